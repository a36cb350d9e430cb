namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Round robin: arrival order, each item runs for at most <see cref="Quantum"/>, then yields and queues behind every
/// item already waiting.
/// </summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class RoundRobinPolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    /// <summary>Creates the policy with a time slice of <paramref name="quantum"/>.</summary>
    public RoundRobinPolicy(TimeSpan quantum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quantum, TimeSpan.Zero);
        Quantum = quantum;
    }

    /// <summary>The time slice.</summary>
    public TimeSpan Quantum { get; }

    /// <inheritdoc />
    public override string Name => "rr";

    /// <inheritdoc />
    public override TimeSpan? TimeSlice => Quantum;

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks) => 0;

    /// <inheritdoc />
    protected override long TieBreak(SchedulingTicket ticket) => ticket.EnqueueSequence;
}
