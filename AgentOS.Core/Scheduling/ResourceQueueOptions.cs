namespace AgentOS.Scheduling;

/// <summary>How one resource queue is configured: its policy, slots, clock, thread, batching and concurrency limits.</summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed record ResourceQueueOptions<T> where T : class, ISchedulable
{
    /// <summary>A name for the dispatcher thread, logs and status (llm, memory, storage, tool...).</summary>
    public string Name { get; init; } = "queue";

    /// <summary>The initial policy; <see cref="ResourceQueue{T}.SwapPolicy"/> replaces it while the queue runs.</summary>
    public required ISchedulingPolicy<T> Policy { get; init; }

    /// <summary>Execution slots: how many items run at once (an LLM backend's generation slots, say). Default 1.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>Capacity of the inbox ring that submitters publish to (a power of two). Default 4096.</summary>
    public int InboxCapacity { get; init; } = 4096;

    /// <summary>The clock for arrival times, deadlines and time slices. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether a submitter that finds the dispatcher role free runs the dispatch pass itself right after publishing
    /// (default on). Then an item a synchronous executor serves is done before <c>TryEnqueue</c> returns, with no
    /// thread hop; the dispatcher thread handles the rest (asynchronous completions, timers, items published while
    /// the role was taken). Turn it off where executors block (a storage manager that fsyncs inline), so submitters'
    /// threads are never borrowed for that.
    /// </summary>
    public bool HelpDispatch { get; init; } = true;

    /// <summary>The CPU to pin the dispatcher thread to, or <see langword="null"/> to leave it unpinned.</summary>
    public int? DispatcherCpu { get; init; }

    /// <summary>Items waiting past their deadline are rejected with <see cref="JobRejection.DeadlineExpired"/>
    /// (and counted as missed) instead of running late. Default off: late items still run, and count as missed.</summary>
    public bool ExpireAtDeadline { get; init; }

    /// <summary>Up to this many compatible items run together in one slot (the storage queue: many writes, one
    /// fsync). Default 1: no batching.</summary>
    public int MaxBatch { get; init; } = 1;

    /// <summary>Whether <c>next</c> may join a batch that starts with <c>first</c>. Required when
    /// <see cref="MaxBatch"/> is above 1.</summary>
    public Func<T, T, bool>? BatchCompatible { get; init; }

    /// <summary>Groups items that share a concurrency limit (a tool, a sandbox), or returns <see langword="null"/>
    /// for none. Items over their group's limit wait, in order, without blocking other groups.</summary>
    public Func<T, string?>? ConcurrencyKey { get; init; }

    /// <summary>The concurrency limit of a group named by <see cref="ConcurrencyKey"/>. Default: 1 per group.</summary>
    public Func<string, int>? ConcurrencyLimit { get; init; }

    /// <summary>
    /// Asked on the dispatcher thread just before an item of a concurrency group (see <see cref="ConcurrencyKey"/>)
    /// starts: <see cref="TimeSpan.Zero"/> lets it start (the gate counts it then), a positive time holds its whole
    /// group that long — a backend's rate limit, or the Retry-After it reported. Held items keep waiting, in order,
    /// and a timer on <see cref="TimeProvider"/> wakes the queue when the hold ends; nothing polls.
    /// </summary>
    public Func<T, TimeSpan>? StartGate { get; init; }

    /// <summary>Called on the dispatcher thread when an item finishes (or expires) past its deadline, with how late it was.</summary>
    public Action<T, TimeSpan>? DeadlineMissed { get; init; }

    /// <summary>Called when the executor throws from <c>Start</c> or <c>Reject</c> (or a callback throws); the queue
    /// frees the slot, counts the fault in <see cref="ResourceQueueStatistics.Faults"/> and goes on.</summary>
    public Action<T, Exception>? ExecutorFaulted { get; init; }

    /// <summary>Called when the queue may have become quiescent (its dispatcher is about to park, or a helping
    /// submitter let go of the role with nothing left to do), so a virtual clock driver re-checks. Must be cheap and
    /// must not block.</summary>
    public Action? Idle { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(Slots, 1, nameof(Slots));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatch, 1, nameof(MaxBatch));
        if (MaxBatch > 1 && BatchCompatible is null)
        {
            throw new ArgumentException($"{nameof(MaxBatch)} is {MaxBatch} but no {nameof(BatchCompatible)} rule says which items may share a batch.", nameof(BatchCompatible));
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
