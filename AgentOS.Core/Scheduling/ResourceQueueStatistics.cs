namespace AgentOS.Scheduling;

/// <summary>A snapshot of a queue's counters (each read atomically; together, approximately consistent).</summary>
public readonly record struct ResourceQueueStatistics
{
    /// <summary>The current policy's name.</summary>
    public required string Policy { get; init; }

    /// <summary>Items waiting in the policy (not counting the inbox).</summary>
    public int Waiting { get; init; }

    /// <summary>Slots running an item.</summary>
    public int Running { get; init; }

    /// <summary>Items taken from the inbox so far.</summary>
    public long Admitted { get; init; }

    /// <summary>Runs started (a preempted item counts once per run).</summary>
    public long Dispatched { get; init; }

    /// <summary>Items that completed.</summary>
    public long Completed { get; init; }

    /// <summary>Runs that ended in a yield (the item went back to the policy).</summary>
    public long Preemptions { get; init; }

    /// <summary>Items cancelled while waiting.</summary>
    public long Cancelled { get; init; }

    /// <summary>Items rejected because their deadline passed while they waited.</summary>
    public long Expired { get; init; }

    /// <summary>Items with a deadline that completed by it.</summary>
    public long DeadlinesMet { get; init; }

    /// <summary>Items with a deadline that completed after it, or expired.</summary>
    public long DeadlinesMissed { get; init; }

    /// <summary>Exceptions thrown by the executor (or a callback) that the dispatcher caught, reported and survived.</summary>
    public long Faults { get; init; }
}
