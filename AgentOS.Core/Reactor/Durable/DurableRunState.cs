namespace AgentOS.Reactor;

/// <summary>Where a durable run stands in its journal.</summary>
public enum DurableRunState
{
    /// <summary>Started and not finished (or cut: a restarted kernel resumes it).</summary>
    Running,

    /// <summary>Finished with a result.</summary>
    Completed,

    /// <summary>Given up: it faulted <c>max_attempts</c> times, or its agent code diverged from its journal.</summary>
    Failed,

    /// <summary>Waiting for the approver: a step of a tool that is neither idempotent nor honours idempotency keys was
    /// cut while it ran, so whether it acted is unknown.</summary>
    Paused,
}
