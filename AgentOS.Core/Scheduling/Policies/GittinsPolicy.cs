namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Gittins index scheduling over learned service distributions: the waiting item with the highest Gittins index (see
/// <see cref="ServiceDistribution.Gittins"/>) runs next, for the horizon that index was computed for; then it yields
/// and is ranked again at its new attained service. An arrival whose index beats the running item's preempts it
/// (through the executor's token-identical yield). With aging, waiting counts too, so the tail is bounded.
/// </summary>
/// <remarks>
/// <para>Key: the index as a size, <c>1 ÷ index</c> (in the cost unit; for a predictable item its expected remaining
/// service), minus <see cref="AgingRate"/> × time waited. As for priority aging, the waiting term is linear, so
/// comparing two items at any common time leaves the static key <c>1/index + rate × arrival</c>: no timers and no
/// re-keying. An item without a distribution (nothing learned yet) keys at 0 plus aging: arrival order.</para>
/// <para>While an item runs through its horizon its index never falls below the index it was chosen with (the
/// Gittins index's defining property), so preemption compares a waiting item against that.</para>
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class GittinsPolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    private readonly Func<T, ServiceDistribution> _distribution;
    private readonly Func<T, double>? _firstStepCost;

    /// <summary>Creates the policy.</summary>
    /// <param name="distribution">The service distribution that speaks for an item (a <see cref="LengthDistributions{T}"/>'s <c>For</c>).</param>
    /// <param name="agingRate">Cost units one second of waiting is worth (0: none).</param>
    /// <param name="firstStepCost">Cost of an item's first step that its distribution does not count (an LLM's
    /// prefill, in output-token time), or <see langword="null"/>.</param>
    public GittinsPolicy(Func<T, ServiceDistribution> distribution, double agingRate = 0, Func<T, double>? firstStepCost = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (!(agingRate >= 0 && double.IsFinite(agingRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(agingRate), agingRate, "The aging rate is a finite number of cost units per second, zero or more.");
        }
        _distribution = distribution;
        _firstStepCost = firstStepCost;
        AgingRate = agingRate;
    }

    /// <summary>Cost units one second of waiting is worth.</summary>
    public double AgingRate { get; }

    /// <inheritdoc />
    public override string Name => "gittins";

    /// <inheritdoc />
    public override double ServiceBudget(T item)
    {
        double end = item.Ticket.PolicyTag;
        return double.IsPositiveInfinity(end) ? end : Math.Max(1, end - item.Ticket.AttainedService);
    }

    /// <inheritdoc />
    public override bool ShouldPreempt(T running) =>
        Heap.TryPeek(out _, out double waiting) && waiting < SizeKey(running, out _);

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks)
    {
        double key = SizeKey(item, out double horizon);
        ticket.PolicyTag = ticket.AttainedService + horizon;
        return key;
    }

    private double SizeKey(T item, out double horizon)
    {
        var ticket = item.Ticket;
        double fixedCost = ticket.AttainedService == 0 && ticket.ResumeState is null && _firstStepCost is not null ? Math.Max(0, _firstStepCost(item)) : 0;
        var (index, h) = _distribution(item).Gittins(ticket.AttainedService, fixedCost);
        horizon = h;
        double size = index > 0 ? 1 / index : 0;
        return size + AgingRate * ticket.ArrivalTicks / TimeSpan.TicksPerSecond;
    }
}
