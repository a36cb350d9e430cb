namespace AgentOS.Scheduling.Policies;

/// <summary>First come, first served: arrival order. A preempted item keeps its place at the front.</summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class FifoPolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    /// <inheritdoc />
    public override string Name => "fifo";

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks) => 0;
}
