namespace AgentOS.Access;

/// <summary>
/// Decides whether an irreversible operation (a tool call marked irreversible, a storage delete) may go ahead. The
/// access manager asks it from <see cref="AccessManager.AuthorizeAsync"/> and records the answer durably before the
/// caller sees it.
/// </summary>
/// <remarks>Implementations must be thread-safe: requests from many agents may be pending at once. Honour
/// <c>cancellationToken</c> (the caller gave up, or the policy's approval timeout passed) by throwing
/// <see cref="OperationCanceledException"/>. Available: <see cref="DenyAllApprover"/> (the default),
/// <see cref="ConsoleApprover"/>, <see cref="ManualApprover"/>.</remarks>
public interface IApprover
{
    /// <summary>Asks for a decision on <paramref name="request"/>.</summary>
    ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default);
}
