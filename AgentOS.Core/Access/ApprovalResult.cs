namespace AgentOS.Access;

/// <summary>An approver's answer.</summary>
/// <param name="Approved">Whether the operation may go ahead.</param>
/// <param name="Approver">Who decided (a person, or the approver's name), for the audit log.</param>
/// <param name="Reason">Why, for the audit log and (on a denial) the agent.</param>
public readonly record struct ApprovalResult(bool Approved, string Approver, string? Reason)
{
    /// <summary>A yes from <paramref name="approver"/>.</summary>
    public static ApprovalResult Approve(string approver, string? reason = null) => new(true, approver, reason);

    /// <summary>A no from <paramref name="approver"/>, saying why.</summary>
    public static ApprovalResult Deny(string approver, string reason) => new(false, approver, reason);
}
