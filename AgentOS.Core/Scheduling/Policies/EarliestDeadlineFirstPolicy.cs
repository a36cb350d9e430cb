namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Earliest deadline first: the smallest absolute deadline runs next; items without a deadline run after all that have
/// one, in arrival order. The queue counts met and missed deadlines for every policy (so EDF can be compared).
/// </summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class EarliestDeadlineFirstPolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    /// <inheritdoc />
    public override string Name => "edf";

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks) =>
        ticket.DeadlineTicks == SchedulingTicket.NoDeadline ? double.PositiveInfinity : ticket.DeadlineTicks;
}
