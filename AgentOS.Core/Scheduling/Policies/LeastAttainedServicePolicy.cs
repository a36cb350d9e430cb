namespace AgentOS.Scheduling.Policies;

/// <summary>
/// Least attained service as a skip-join multi-level feedback queue (as in FastServe): needs no length estimate, only
/// preemption. Level i holds items that have received less than <c>Q·2^i</c> service (Q the base quantum); lower
/// levels run first, FIFO within a level. An item that exhausts its level's budget yields and drops a level; a new
/// arrival in a lower level than a running item preempts it.
/// </summary>
/// <remarks>
/// Skip-join: an item whose first step alone would exceed the top level's quantum (for an LLM: a long prefill) joins
/// directly at the level whose quantum covers that step, instead of being demoted level by level after paying a
/// preemption at each. Without a first-step estimate every item joins level 0 (plain LAS).
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
public sealed class LeastAttainedServicePolicy<T> : HeapPolicy<T> where T : class, ISchedulable
{
    private readonly Func<T, double>? _firstStepCost;

    /// <summary>Creates the policy.</summary>
    /// <param name="baseQuantum">Service budget of level 0, in the resource's cost unit.</param>
    /// <param name="levels">Number of levels; the last has no budget.</param>
    /// <param name="firstStepCost">Optional estimate of an item's first step (skip-join).</param>
    public LeastAttainedServicePolicy(double baseQuantum, int levels = 8, Func<T, double>? firstStepCost = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseQuantum, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        BaseQuantum = baseQuantum;
        Levels = levels;
        _firstStepCost = firstStepCost;
    }

    /// <summary>Service budget of level 0.</summary>
    public double BaseQuantum { get; }

    /// <summary>Number of levels.</summary>
    public int Levels { get; }

    /// <inheritdoc />
    public override string Name => "las";

    /// <summary>The level an item with <paramref name="attained"/> service belongs to.</summary>
    public int LevelFor(double attained)
    {
        int level = 0;
        for (double limit = BaseQuantum; level < Levels - 1 && attained >= limit; limit *= 2)
        {
            level++;
        }
        return level;
    }

    /// <summary>The service at which <paramref name="level"/> ends (infinity for the last level).</summary>
    public double LevelLimit(int level) => level >= Levels - 1 ? double.PositiveInfinity : BaseQuantum * Math.Pow(2, level);

    /// <inheritdoc />
    public override double ServiceBudget(T item)
    {
        var ticket = item.Ticket;
        return LevelLimit((int)ticket.PolicyTag) - ticket.AttainedService;
    }

    /// <inheritdoc />
    public override bool ShouldPreempt(T running) =>
        Heap.TryPeek(out _, out double waitingLevel) && waitingLevel < LevelFor(running.Ticket.AttainedService);

    /// <inheritdoc />
    protected override double Key(SchedulingTicket ticket, T item, long nowTicks)
    {
        int level = LevelFor(ticket.AttainedService);
        if (ticket.AttainedService == 0 && _firstStepCost is not null)
        {
            // Join the first level whose budget covers the first step.
            double first = _firstStepCost(item);
            while (level < Levels - 1 && LevelLimit(level) < first)
            {
                level++;
            }
        }
        ticket.PolicyTag = level;
        return level;
    }

    /// <inheritdoc />
    protected override long TieBreak(SchedulingTicket ticket) => ticket.EnqueueSequence;
}
