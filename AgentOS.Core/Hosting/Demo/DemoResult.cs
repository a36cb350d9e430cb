using AgentOS.Scheduling;

namespace AgentOS.Hosting.Demo;

/// <summary>One demo run's outcome.</summary>
internal sealed record DemoResult(
    string Policy,
    string Backend,
    DemoStats Stats,
    IReadOnlyDictionary<string, ResourceQueueStatistics> Queues,
    TimeSpan ClockSpan,
    TimeSpan Wall,
    double EstimatorSkill,
    bool EstimatorHasSkill);
