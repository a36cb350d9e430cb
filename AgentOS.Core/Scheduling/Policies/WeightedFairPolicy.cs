namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Weighted fair sharing between flows (agents) by start-time fair queueing on virtual time: each item gets a start tag
/// <c>S = max(V, F_flow)</c> and its flow's finish tag becomes <c>F_flow = S + cost / weight</c>; the smallest start
/// tag runs next and the virtual time V becomes its tag. A flow that sends many items cannot push ahead of a flow
/// that sends few: each receives service in proportion to its <see cref="SchedulingTicket.Weight"/>.
/// </summary>
/// <remarks>Cost is the estimate (the submitter's hint by default); an item without one counts as cost 1, which gives
/// per-request fairness. Idle flows' tags are forgotten once virtual time passes them, so the table stays small.</remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class WeightedFairPolicy<T>(ICostEstimator<T>? estimator = null) : HeapPolicy<T> where T : class, ISchedulable
{
    private readonly ICostEstimator<T> _estimator = estimator ?? new HintCostEstimator<T>();
    private readonly Dictionary<long, double> _finishTags = [];
    private readonly List<long> _stale = [];
    private double _virtualTime;
    private int _dequeuesSincePrune;

    /// <inheritdoc />
    public override string Name => "wfq";

    /// <summary>The virtual time: the start tag of the item chosen last.</summary>
    public double VirtualTime => _virtualTime;

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks)
    {
        double cost = Math.Max(0, _estimator.Estimate(item) - ticket.AttainedService);
        if (!double.IsFinite(cost) || cost == 0)
        {
            cost = 1;
        }
        double weight = ticket.Weight > 0 && double.IsFinite(ticket.Weight) ? ticket.Weight : 1;
        double start = Math.Max(_virtualTime, _finishTags.GetValueOrDefault(ticket.FlowId));
        _finishTags[ticket.FlowId] = start + cost / weight;
        return start;
    }

    /// <inheritdoc />
    protected override void OnDequeued(T item, double key)
    {
        _virtualTime = Math.Max(_virtualTime, key);
        if (++_dequeuesSincePrune >= 1024)
        {
            _dequeuesSincePrune = 0;
            foreach (var (flow, finish) in _finishTags)
            {
                if (finish <= _virtualTime)
                {
                    _stale.Add(flow);
                }
            }
            foreach (var flow in _stale)
            {
                _finishTags.Remove(flow);
            }
            _stale.Clear();
        }
    }
}
