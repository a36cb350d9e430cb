namespace AgentOS.Tests.Queues;

/// <summary>
/// The two rings behind one face (their method names differ: publish/take for MPSC, write/read for SPSC), so
/// <see cref="RingContractTests"/> runs the same contract against each.
/// </summary>
public abstract class TestRing<T>
{
    public abstract int Capacity { get; }

    public abstract int Count { get; }

    public abstract bool IsEmpty { get; }

    public abstract bool TryAdd(T item);

    public abstract bool TryAddBatch(ReadOnlySpan<T> items);

    public abstract bool TryRemove(out T item);

    public abstract int RemoveBatch(Span<T> destination);

    public abstract void WaitForItems(CancellationToken cancellationToken = default);
}
