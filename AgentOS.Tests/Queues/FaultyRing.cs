namespace AgentOS.Tests.Queues;

/// <summary>
/// A ring that loses or duplicates items on purpose: every <c>period</c>-th item the consumer takes (the
/// <c>period</c>-th, the 2·<c>period</c>-th, ...) is dropped or delivered twice. It proves
/// <see cref="RingStressChecker"/> catches the faults it exists for; <see cref="Faulted"/> says which items were hit.
/// </summary>
public sealed class FaultyRing(IConsumedRing inner, FaultyRing.Fault fault, long period) : IConsumedRing
{
    public enum Fault
    {
        Drop,
        Duplicate,
    }

    private readonly Queue<long> _ready = new();
    private readonly long[] _buffer = new long[64];
    private long _taken;

    /// <summary>The items dropped or duplicated so far, in order.</summary>
    public List<long> Faulted { get; } = [];

    public bool WaitForItems(CancellationToken cancellationToken)
    {
        while (_ready.Count == 0)
        {
            if (!inner.WaitForItems(cancellationToken))
            {
                return false;
            }
            int n = inner.Drain(_buffer);
            for (int i = 0; i < n; i++)
            {
                Pass(_buffer[i]);
            }
        }
        return true;
    }

    public bool TryTake(out long item) => _ready.TryDequeue(out item);

    public int Drain(Span<long> destination)
    {
        int n = 0;
        while (n < destination.Length && _ready.TryDequeue(out long item))
        {
            destination[n++] = item;
        }
        return n;
    }

    public void Complete() => inner.Complete();

    private void Pass(long item)
    {
        if (++_taken % period != 0)
        {
            _ready.Enqueue(item);
            return;
        }
        Faulted.Add(item);
        if (fault == Fault.Duplicate)
        {
            _ready.Enqueue(item);
            _ready.Enqueue(item);
        }
    }
}
