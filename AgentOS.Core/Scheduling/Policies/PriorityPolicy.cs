namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Higher <see cref="SchedulingTicket.Priority"/> first, with aging: an item's effective priority rises by one level
/// for every <see cref="AgingPerLevel"/> it waits, so nothing starves.
/// </summary>
/// <remarks>
/// Linear aging needs no timer and no re-keying. Effective priority at time t is <c>p + (t - a) / A</c> (p the priority,
/// a the arrival, A the aging interval); comparing two items at any common t, the t cancels, leaving the static key
/// <c>a - p·A</c>, smallest first. So a waiting item of priority p is overtaken by later arrivals of priority p + k only
/// for the first k·A after it arrived; after that it runs before them. Ties: arrival order.
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class PriorityPolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    /// <summary>Creates the policy; one priority level is worth <paramref name="agingPerLevel"/> of waiting.</summary>
    public PriorityPolicy(TimeSpan agingPerLevel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(agingPerLevel, TimeSpan.Zero);
        AgingPerLevel = agingPerLevel;
    }

    /// <summary>How much waiting raises an item by one priority level.</summary>
    public TimeSpan AgingPerLevel { get; }

    /// <inheritdoc />
    public override string Name => "priority";

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks) =>
        ticket.ArrivalTicks - (double)ticket.Priority * AgingPerLevel.Ticks;
}
