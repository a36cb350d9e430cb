namespace AgentOS.Scheduling;

/// <summary>
/// Decides which waiting item runs next. Generic over the item: it knows nothing of syscalls or LLMs. Called only on the
/// owning queue's dispatcher thread, so implementations need no synchronization.
/// </summary>
/// <remarks>
/// Preemption contract: an executor reports the service an item received and can be asked to yield at its next safe
/// point (an LLM: a token boundary). A yielded item comes back through <see cref="Enqueue"/> with its
/// <see cref="SchedulingTicket.AttainedService"/> and <see cref="SchedulingTicket.ResumeState"/> updated; the policy
/// decides when it runs again. A policy asks for preemption in three ways: a <see cref="TimeSlice"/> (the queue arms a
/// timer per dispatch), a <see cref="ServiceBudget"/> (the executor yields once it has given that much service), and
/// <see cref="ShouldPreempt"/> (asked whenever new items arrive).
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public interface ISchedulingPolicy<T> : IDisposable where T : class, ISchedulable
{
    /// <summary>A short name for logs and status (fifo, priority, sjf, rr, edf, las, wfq).</summary>
    string Name { get; }

    /// <summary>How many items wait.</summary>
    int Count { get; }

    /// <summary>Adds a new or yielded item. <paramref name="nowTicks"/> is the queue clock.</summary>
    void Enqueue(T item, long nowTicks);

    /// <summary>Looks at the item that would run next without removing it.</summary>
    bool TryPeek(out T item);

    /// <summary>Removes and returns the item to run next.</summary>
    bool TryDequeue(long nowTicks, out T item);

    /// <summary>Removes a waiting item (cancellation). Returns <see langword="false"/> when it is not waiting here.</summary>
    bool Remove(T item);

    /// <summary>Removes every waiting item, in the order this policy would have run them (for a policy swap).</summary>
    void DrainTo(Action<T> sink);

    /// <summary>How long an item may run before it is preempted (round robin), or <see langword="null"/> for no limit.</summary>
    TimeSpan? TimeSlice { get; }

    /// <summary>How much more service <paramref name="item"/> may receive before it should yield; infinity for no limit.</summary>
    double ServiceBudget(T item);

    /// <summary>Whether a waiting item should displace <paramref name="running"/> now.</summary>
    bool ShouldPreempt(T running);
}
