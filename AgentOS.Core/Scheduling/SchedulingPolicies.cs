using AgentOS.Scheduling.Policies;

namespace AgentOS.Scheduling;

/// <summary>Creates the built-in policies by name, for options read from configuration.</summary>
public static class SchedulingPolicies
{
    /// <summary>The names <see cref="Create{T}"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fifo", "priority", "sjf", "rr", "edf", "las", "wfq"];

    /// <summary>Creates a policy by name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="quantum">The time slice for <c>rr</c>, and the aging interval per level for <c>priority</c>
    /// (default 1 s for rr, 5 s for priority).</param>
    /// <param name="serviceQuantum">Level 0's service budget for <c>las</c>, in the resource's cost unit (default 16); for
    /// <c>rr</c> without a time <paramref name="quantum"/>, the service each run may give.</param>
    /// <param name="estimator">The cost estimator for <c>sjf</c> and <c>wfq</c> (default: the submitter's hint).</param>
    /// <exception cref="ArgumentException">The name is not a built-in policy.</exception>
    public static ISchedulingPolicy<T> Create<T>(string name, TimeSpan? quantum = null, double? serviceQuantum = null, ICostEstimator<T>? estimator = null)
        where T : class, ISchedulable
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "FIFO" => new FifoPolicy<T>(),
            "PRIORITY" => new PriorityPolicy<T>(quantum ?? TimeSpan.FromSeconds(5)),
            "SJF" => new ShortestJobFirstPolicy<T>(estimator),
            "RR" => quantum is null && serviceQuantum is { } service ? new RoundRobinPolicy<T>(service) : new RoundRobinPolicy<T>(quantum ?? TimeSpan.FromSeconds(1)),
            "EDF" => new EarliestDeadlineFirstPolicy<T>(),
            "LAS" => new LeastAttainedServicePolicy<T>(serviceQuantum ?? 16),
            "WFQ" => new WeightedFairPolicy<T>(estimator),
            _ => throw new ArgumentException($"Unknown scheduling policy '{name}'. Use one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
