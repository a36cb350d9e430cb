namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Shortest (remaining) job first: the smallest estimated cost minus the service already received. The estimate comes
/// from a pluggable <see cref="ICostEstimator{T}"/> (the submitter's hint by default). Ties: arrival order. With
/// <see cref="AgingRate"/> above 0, waiting counts as well (SJF with aging), so long jobs do not starve behind a stream
/// of short ones: one second of waiting is worth that many cost units.
/// </summary>
/// <remarks>Aging is linear, so like <see cref="PriorityPolicy{T}"/> it needs no re-keying: the effective key
/// <c>remaining − rate × (t − arrival)</c> compared at any common t leaves <c>remaining + rate × arrival</c>.</remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class ShortestJobFirstPolicy<T>(ICostEstimator<T>? estimator = null, double agingRate = 0) : HeapPolicy<T> where T : class, ISchedulable
{
    private readonly ICostEstimator<T> _estimator = estimator ?? new HintCostEstimator<T>();

    /// <summary>Cost units one second of waiting is worth (0: plain SJF).</summary>
    public double AgingRate { get; } = agingRate >= 0 && double.IsFinite(agingRate)
        ? agingRate
        : throw new ArgumentOutOfRangeException(nameof(agingRate), agingRate, "The aging rate is a finite number of cost units per second, zero or more.");

    /// <inheritdoc />
    public override string Name => "sjf";

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks)
    {
        double estimate = _estimator.Estimate(item);
        double remaining = double.IsFinite(estimate) ? Math.Max(0, estimate - ticket.AttainedService) : double.MaxValue;
        return AgingRate == 0 ? remaining : remaining + AgingRate * ticket.ArrivalTicks / TimeSpan.TicksPerSecond;
    }
}
