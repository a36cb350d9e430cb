namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Shortest (remaining) job first: the smallest estimated cost minus the service already received. The estimate comes
/// from a pluggable <see cref="ICostEstimator{T}"/> (the submitter's hint by default). Ties: arrival order.
/// </summary>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class ShortestJobFirstPolicy<T>(ICostEstimator<T>? estimator = null) : HeapPolicy<T> where T : class, ISchedulable
{
    private readonly ICostEstimator<T> _estimator = estimator ?? new HintCostEstimator<T>();

    /// <inheritdoc />
    public override string Name => "sjf";

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks)
    {
        double estimate = _estimator.Estimate(item);
        return double.IsFinite(estimate) ? Math.Max(0, estimate - ticket.AttainedService) : double.MaxValue;
    }
}
