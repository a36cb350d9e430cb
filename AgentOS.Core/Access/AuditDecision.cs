namespace AgentOS.Access;

/// <summary>What an <see cref="AuditRecord"/> records.</summary>
public enum AuditDecision
{
    /// <summary>The request was allowed (recorded in batches, off the hot path).</summary>
    Allowed,

    /// <summary>The request was denied (recorded durably before the caller saw the denial).</summary>
    Denied,

    /// <summary>An approver approved an irreversible request, which was then allowed (recorded durably first).</summary>
    Approved,

    /// <summary>Not a decision: allowed records were lost here because the queue was full or a write failed; the
    /// record's message says how many.</summary>
    Gap,

    /// <summary>Not an access decision: a step of a Reactor case (trigger, action, verification, undo, escalation,
    /// answer); the message names the playbook, the step and the case.</summary>
    Reactor,
}
