namespace AgentOS.Scheduling;

/// <summary>
/// What a scheduling policy knows about one item: the submitter's inputs, and the state the queue and its policy keep
/// while the item waits, runs and is preempted. All times are monotonic ticks (<see cref="TimeSpan.Ticks"/>) since the
/// owning queue's epoch on its <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>Owned by one queue at a time; the submitter sets the inputs before enqueueing and must not touch the ticket
/// again until the item finishes. Reusable: <see cref="Reset"/> clears it for a pooled item.</remarks>
public sealed class SchedulingTicket
{
    /// <summary>No deadline.</summary>
    public const long NoDeadline = long.MaxValue;

    // ---- inputs, set by the submitter before enqueueing ----

    /// <summary>Larger runs first under the priority policy. Default 0.</summary>
    public int Priority { get; set; }

    /// <summary>The absolute time by which the item should have finished, on the queue's clock; <see langword="null"/> for none.</summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>The submitter's estimate of the service the item needs, in the resource's cost unit (tokens, bytes,
    /// seconds...). A hint: a <see cref="ICostEstimator{T}"/> may replace it with a learned value.</summary>
    public double EstimatedCost { get; set; }

    /// <summary>Who the item belongs to (an agent), for fair sharing between flows.</summary>
    public long FlowId { get; set; }

    /// <summary>Identifies this submission of the item: a pooled item gets a new one each time it is submitted, so a
    /// late <see cref="ResourceQueue{T}.Cancel"/> meant for an earlier submission is ignored.</summary>
    public long SubmissionId { get; set; }

    /// <summary>The flow's share under weighted fair queueing (default 1; twice the weight, twice the service).</summary>
    public double Weight { get; set; } = 1;

    // ---- state kept by the queue ----

    /// <summary>When the item first entered its queue.</summary>
    public long ArrivalTicks { get; internal set; }

    /// <summary>The item's deadline in the queue's monotonic ticks, or <see cref="NoDeadline"/>.</summary>
    public long DeadlineTicks { get; internal set; } = NoDeadline;

    /// <summary>Global arrival order in its queue: breaks ties between equal keys.</summary>
    public long ArrivalSequence { get; internal set; }

    /// <summary>Order of the latest (re-)enqueue: a preempted item queues behind those already waiting (round robin).</summary>
    public long EnqueueSequence { get; internal set; }

    /// <summary>Service received so far, in the resource's cost unit, as reported by the executor.</summary>
    public double AttainedService { get; internal set; }

    /// <summary>How many times the item was preempted and went back to its policy.</summary>
    public int Preemptions { get; internal set; }

    /// <summary>Whatever the executor attached when the item yielded (for an LLM, its context snapshot), handed back
    /// to the executor when the item runs again.</summary>
    public object? ResumeState { get; internal set; }

    // The policy's handle in its heap, and its per-policy scratch value (MLFQ level, fair-queueing start tag).
    internal int HeapHandle { get; set; } = -1;
    internal double PolicyTag { get; set; }

    // The queue's handle in its deadline heap (only when it expires waiting items at their deadline).
    internal int DeadlineHandle { get; set; } = -1;

    /// <summary>Clears what the queue kept about a finished run, keeping the submitter's inputs, so the same item can be
    /// enqueued again (a syscall the Reactor retries).</summary>
    internal void ResetForResubmission()
    {
        ArrivalTicks = 0;
        DeadlineTicks = NoDeadline;
        ArrivalSequence = 0;
        EnqueueSequence = 0;
        AttainedService = 0;
        Preemptions = 0;
        ResumeState = null;
        HeapHandle = -1;
        PolicyTag = 0;
        DeadlineHandle = -1;
    }

    /// <summary>Clears inputs and state so a pooled item can be submitted again.</summary>
    public void Reset()
    {
        Priority = 0;
        Deadline = null;
        EstimatedCost = 0;
        FlowId = 0;
        SubmissionId = 0;
        Weight = 1;
        ResetForResubmission();
    }
}
