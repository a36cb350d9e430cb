namespace AgentOS.Access;

/// <summary>The access manager's answer to one <see cref="AccessRequest"/>.</summary>
/// <param name="Allowed">Whether the syscall may proceed. An allowed syscall holds a concurrency slot until
/// <see cref="AccessManager.Complete"/>.</param>
/// <param name="Reason">Why it was denied; <see cref="DenialReason.None"/> when allowed.</param>
/// <param name="Message">For a denial, what happened and what to do about it; <see langword="null"/> when allowed.</param>
/// <param name="RetryAfter">For <see cref="DenialReason.BudgetExceeded"/>, how long until the budget window frees
/// enough for this request (<see langword="null"/> when waiting cannot help: the request alone is larger than the
/// budget).</param>
public readonly record struct AccessDecision(bool Allowed, DenialReason Reason, string? Message, TimeSpan? RetryAfter = null)
{
    /// <summary>The one allowed decision (no message, nothing to retry).</summary>
    public static AccessDecision Allow { get; } = new(true, DenialReason.None, null);

    /// <summary>Whether the request was held back only because it needs approval (see
    /// <see cref="DenialReason.ApprovalRequired"/>): pass it to <see cref="AccessManager.AuthorizeAsync"/>.</summary>
    public bool NeedsApproval => Reason == DenialReason.ApprovalRequired;

    /// <summary>Creates a denial.</summary>
    public static AccessDecision Deny(DenialReason reason, string message, TimeSpan? retryAfter = null) =>
        new(false, reason, message, retryAfter);
}
