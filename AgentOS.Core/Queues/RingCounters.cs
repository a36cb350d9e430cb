namespace AgentOS.Queues;

/// <summary>
/// Diagnostic counters of a ring's consumer side, for finding where a slow run's time goes on machines without
/// hardware performance counters (how many drains per item, how often the consumer found the ring empty, how long it
/// polled, how often it parked and was woken). Off by default; on when the process starts with
/// <c>AGENTOS_RING_COUNTERS=1</c>.
/// </summary>
/// <remarks>
/// The switch is a <c>static readonly</c> field read once, so the tiered JIT folds it to a constant in the final code:
/// with counting off, the counting branches are not there at all (no load, no test), and the ring's hot path is the
/// code without them. The counters are plain fields written only by the consumer thread (the wake-up count only under
/// the parker's monitor), so counting adds no shared-line traffic either.
/// </remarks>
internal static class RingCounters
{
    /// <summary>Whether rings count; fixed for the life of the process.</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("AGENTOS_RING_COUNTERS") == "1";
}

/// <summary>What one ring's consumer did, counted when <see cref="RingCounters.Enabled"/>.</summary>
internal struct RingConsumerCounters
{
    /// <summary>Drains (or takes) that returned at least one item.</summary>
    public long Drains;

    /// <summary>Items those drains returned.</summary>
    public long Items;

    /// <summary>Drains or takes that found nothing claimed.</summary>
    public long EmptyDrains;

    /// <summary>Reads of the producers' claim cursor by the consumer (each one may pull that line from a producer).</summary>
    public long TailReads;

    /// <summary>Spin rounds waiting for a claimed slot's producer to publish it.</summary>
    public long ClaimedSpins;

    /// <summary>Evaluations of the wait condition while waiting for items.</summary>
    public long WaitPolls;

    /// <summary>Drains that backed off first because the previous one caught up with writing producers.</summary>
    public long Backoffs;

    /// <summary>Thread.SpinWait iterations those back-offs spent.</summary>
    public long BackoffSpins;

    /// <summary>Times the consumer parked (slept on the monitor).</summary>
    public long Parks;

    /// <summary>Times a producer woke a parked consumer.</summary>
    public long WakeUps;

    public override readonly string ToString() =>
        FormattableString.Invariant($"drains={Drains} items={Items} empty={EmptyDrains} tailReads={TailReads} claimedSpins={ClaimedSpins} waitPolls={WaitPolls} backoffs={Backoffs} backoffSpins={BackoffSpins} parks={Parks} wakeUps={WakeUps}");
}
