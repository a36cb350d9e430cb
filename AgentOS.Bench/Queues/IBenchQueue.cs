namespace AgentOS.Bench.Queues;

/// <summary>
/// One queue under test, as the shared drivers see it. Implemented by structs so each driver is specialized per
/// queue and no queue pays for an interface call the others do not.
/// </summary>
internal interface IBenchQueue
{
    /// <summary>Adds one item if there is room (unbounded queues always have room).</summary>
    bool TryAdd(long item);

    /// <summary>Adds all of <paramref name="items"/> or none (queues without a batch API add them one by one).</summary>
    bool TryAddBatch(ReadOnlySpan<long> items);

    /// <summary>Takes up to <c>buffer.Length</c> items into <paramref name="buffer"/>.</summary>
    int Drain(Span<long> buffer);

    /// <summary>Called by the consumer when <see cref="Drain"/> found nothing.</summary>
    void WaitWhenEmpty(ref SpinWait idle);

    /// <summary>The queue's own diagnostic counters, printed with <c>AGENTOS_RING_COUNTERS=1</c> (empty if it has none).</summary>
    string Counters => "";
}
