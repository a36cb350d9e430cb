namespace AgentOS.Reactor;

/// <summary>A step of one Reactor case, as reported on the event bus and in the audit log.</summary>
public enum ReactorStage
{
    /// <summary>A playbook's trigger matched: its events reached the count within the window.</summary>
    Triggered,

    /// <summary>The playbook acted (retried, opened a breaker, failed over, paused an agent ...).</summary>
    Acted,

    /// <summary>The condition cleared within the verification time: the action worked.</summary>
    Verified,

    /// <summary>The condition did not clear in time.</summary>
    Unverified,

    /// <summary>An action that did not verify was undone.</summary>
    Undone,

    /// <summary>The case went to the approver.</summary>
    Escalated,

    /// <summary>The approver answered an escalation.</summary>
    Answered,

    /// <summary>The trigger matched but the playbook did not act: its cooldown, its retry budget or the global fuse
    /// held it back.</summary>
    Suppressed,
}
