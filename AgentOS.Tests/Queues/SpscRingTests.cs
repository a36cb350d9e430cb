using AgentOS.Queues;

namespace AgentOS.Tests.Queues;

/// <summary>The ring contract on <see cref="SpscRing{T}"/>; its exact-order stress is the contract's one-producer test.</summary>
public sealed class SpscRingTests : RingContractTests
{
    protected override TestRing<T> Create<T>(int capacity, WaitStrategy? waitStrategy = null) => new Adapter<T>(new SpscRing<T>(capacity, waitStrategy));

    private sealed class Adapter<T>(SpscRing<T> ring) : TestRing<T>
    {
        public override int Capacity => ring.Capacity;
        public override int Count => ring.Count;
        public override bool IsEmpty => ring.IsEmpty;
        public override bool TryAdd(T item) => ring.TryWrite(item);
        public override bool TryAddBatch(ReadOnlySpan<T> items) => ring.TryWriteBatch(items);
        public override bool TryRemove(out T item) => ring.TryRead(out item!);
        public override int RemoveBatch(Span<T> destination) => ring.ReadBatch(destination);
        public override void WaitForItems(CancellationToken cancellationToken = default) => ring.WaitForItems(cancellationToken);
    }
}
