namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Round robin: arrival order, each item runs for at most <see cref="Quantum"/> (a time slice) or
/// <see cref="ServiceQuantum"/> (service units: an LLM's tokens), then yields and queues behind every item already
/// waiting.
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

    /// <summary>Creates the policy with a quantum of <paramref name="serviceQuantum"/> service units per run (an LLM
    /// generation yields after that many tokens), so preemption points do not depend on timing.</summary>
    public RoundRobinPolicy(double serviceQuantum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(serviceQuantum, 0);
        ServiceQuantum = serviceQuantum;
    }

    /// <summary>The time slice, or <see langword="null"/> when the quantum is in service units.</summary>
    public TimeSpan? Quantum { get; }

    /// <summary>The service per run, or <see langword="null"/> when the quantum is a time slice.</summary>
    public double? ServiceQuantum { get; }

    /// <inheritdoc />
    public override string Name => "rr";

    /// <inheritdoc />
    public override TimeSpan? TimeSlice => Quantum;

    /// <inheritdoc />
    public override double ServiceBudget(T item) => ServiceQuantum ?? double.PositiveInfinity;

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks) => 0;

    /// <inheritdoc />
    protected override long TieBreak(SchedulingTicket ticket) => ticket.EnqueueSequence;
}
