namespace AgentOS.Scheduling;

/// <summary>
/// Runs what a <see cref="ResourceQueue{T}"/> dispatches: the queue's own executor interface, so Scheduling knows
/// nothing of syscalls, LLMs or storage. The kernel's managers implement it.
/// </summary>
/// <remarks>
/// <see cref="Start"/> is called on the queue's dispatcher thread and must not block: start the work (on the thread
/// pool, an I/O call, a worker thread) and return. When the work ends, from any thread, call
/// <see cref="ExecutionSlot{T}.Complete"/>, or <see cref="ExecutionSlot{T}.Yield"/> if it stopped at a safe point
/// because <see cref="ExecutionSlot{T}.ShouldYield"/> said so.
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public interface IJobExecutor<T> where T : class, ISchedulable
{
    /// <summary>Starts the slot's item (or batch). The item's <see cref="SchedulingTicket.ResumeState"/> is whatever
    /// the executor attached when it last yielded, or <see langword="null"/> on its first run.</summary>
    void Start(ExecutionSlot<T> slot);

    /// <summary>
    /// The queue is done with an item that completed: it will never touch the item again, so this is where an
    /// executor hands the result to the item's submitter (and may recycle a pooled item). Called on the dispatcher
    /// thread after the run's <see cref="ExecutionSlot{T}.Complete"/>; must not block.
    /// </summary>
    void OnFinished(T item)
    {
    }

    /// <summary>
    /// Ends an item that will never run: cancelled, expired past its deadline while waiting, or dropped at shutdown.
    /// Called on the dispatcher thread; the queue never touches the item afterwards. Must not block.
    /// </summary>
    void Reject(T item, JobRejection reason);

    /// <summary>
    /// The queue wants the slot's item to stop at its next safe point (a time slice ended, or a more urgent item
    /// arrived). <see cref="ExecutionSlot{T}.ShouldYield"/> is already true; executors that poll it need do nothing
    /// here. Called from a timer or the dispatcher thread; must not block.
    /// </summary>
    void OnYieldRequested(ExecutionSlot<T> slot)
    {
    }
}

/// <summary>Why an item was ended without running.</summary>
public enum JobRejection
{
    /// <summary>Its submitter cancelled it while it waited.</summary>
    Cancelled,

    /// <summary>Its deadline passed while it waited (the queue was configured to expire such items).</summary>
    DeadlineExpired,

    /// <summary>The queue stopped without draining.</summary>
    QueueStopped,
}
