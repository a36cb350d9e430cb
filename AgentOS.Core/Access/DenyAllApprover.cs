namespace AgentOS.Access;

/// <summary>The default approver: denies every irreversible operation at once, saying how to allow such operations.
/// Right for tests and unattended servers.</summary>
public sealed class DenyAllApprover : IApprover
{
    /// <summary>The one instance (the approver has no state).</summary>
    public static DenyAllApprover Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ApprovalResult>(cancellationToken);
        }
        return new(ApprovalResult.Deny("deny-all",
            $"The deny-all approver (the default) refuses every irreversible operation, so {request.Describe()} was denied. " +
            "To allow such operations, configure an approver that can decide: ConsoleApprover on an interactive command line, " +
            "the server's HTTP approval endpoint, or a ManualApprover in code."));
    }
}
