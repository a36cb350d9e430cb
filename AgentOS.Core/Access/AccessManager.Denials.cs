namespace AgentOS.Access;

/// <content>Denials: messages that say what happened and what to do, and the slow paths that record them and ask the
/// approver. Off the hot path, so they may allocate.</content>
public sealed partial class AccessManager
{
    private async ValueTask<AccessDecision> DenyDurablyAsync(AccessRequest request, Verdict verdict)
    {
        var denial = Deny(in request, in verdict);
        await _audit.RecordDurableAsync(DeniedRecord(in request, verdict.At, denial)).ConfigureAwait(false);
        return denial;
    }

    private async ValueTask<AccessDecision> ApproveAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        // Reserve first, so a human is never asked about a request its budget would refuse anyway, and an approved
        // request cannot then fail for budget. The slot is held while the approver thinks.
        var verdict = Decide(in request, approved: true);
        if (verdict.Reason != DenialReason.None)
        {
            return await DenyDurablyAsync(request, verdict).ConfigureAwait(false);
        }
        var agent = verdict.Agent!;
        var approval = new ApprovalRequest(Interlocked.Increment(ref _lastApprovalId), request, verdict.At);
        ApprovalResult result;
        try
        {
            result = await AskApproverAsync(approval, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(agent, in request, verdict.Window); // the caller gave up: nothing was decided
            throw;
        }
        if (!result.Approved)
        {
            Release(agent, in request, verdict.Window);
            var denial = AccessDecision.Deny(DenialReason.ApprovalDenied,
                $"Approval refused by {result.Approver}: {approval.Describe()}. {result.Reason}".TrimEnd());
            await _audit.RecordDurableAsync(DeniedRecord(in request, Now(), denial, result.Approver)).ConfigureAwait(false);
            return denial;
        }
        try
        {
            await _audit.RecordDurableAsync(new AuditRecord(Now(), request.AgentId, request.Resource, request.Operation,
                request.Target, AuditDecision.Approved, DenialReason.None, result.Reason, request.EstimatedTokens, result.Approver, request.ActedBy)).ConfigureAwait(false);
        }
        catch
        {
            Release(agent, in request, verdict.Window); // not recorded, so not allowed
            throw;
        }
        return AccessDecision.Allow;
    }

    private async ValueTask<ApprovalResult> AskApproverAsync(ApprovalRequest approval, CancellationToken cancellationToken)
    {
        var timeoutAfter = Policy.ApprovalTimeout;
        using var timeout = timeoutAfter == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeoutAfter, _time);
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _approver.RequestAsync(approval, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            return ApprovalResult.Deny("timeout",
                $"No approver answered within {timeoutAfter} (the policy's approval_timeout): answer sooner, or raise the timeout.");
        }
#pragma warning disable CA1031 // A failing approver must deny (and say why), never allow and never vanish.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return ApprovalResult.Deny("error", $"The approver failed ({ex.GetType().Name}: {ex.Message}), so the request was denied: fix the approver.");
        }
    }

    private AccessDecision Deny(in AccessRequest request, in Verdict verdict) =>
        AccessDecision.Deny(verdict.Reason, Explain(in request, in verdict), verdict.RetryAfter);

    private string Explain(in AccessRequest request, in Verdict verdict)
    {
        string id = request.AgentId is null ? "(null)" : StoragePath.Escape(request.AgentId);
        string target = request.Target is null ? "(none)" : $"'{StoragePath.Escape(request.Target)}'";
        var grants = verdict.Agent?.Grants;
        string groups = grants is null ? "" : $" (its groups: {grants.GroupList})";
        switch (verdict.Reason)
        {
            case DenialReason.UnknownAgent:
                return $"Agent '{id}' is not registered: register it (AccessManager.Register, or the policy's agents list) before it makes syscalls.";
            case DenialReason.InvalidPath:
                var error = StoragePath.Validate(request.Target, out int position);
                return $"Agent '{id}' gave an invalid storage path. {StoragePath.Explain(request.Target, error, position)}";
            case DenialReason.ConcurrencyLimit:
                return $"Agent '{id}' already has {grants!.MaxConcurrent} syscalls in flight, its limit{groups}: wait for one to complete, or raise max_concurrent.";
            case DenialReason.BudgetExceeded:
                return ExplainBudget(in request, id, grants!, groups, in verdict);
            case DenialReason.ApprovalRequired:
                return $"This is irreversible and needs approval ({target} by agent '{id}'): submit it with AuthorizeAsync, which asks the approver; Check never waits.";
            default:
                return ExplainNotGranted(in request, id, target, grants!, groups);
        }
    }

    private string ExplainBudget(in AccessRequest request, string id, AgentGrants grants, string groups, in Verdict verdict)
    {
        if (verdict.RetryAfter is not { } retryAfter)
        {
            return $"Agent '{id}' asks for {request.EstimatedTokens} tokens, more than its whole budget of {grants.TokensPerWindow} per {Policy.BudgetWindow}{groups}: split the request, or raise tokens_per_window.";
        }
        return verdict.TokensExhausted
            ? $"Agent '{id}' has not enough of its {grants.TokensPerWindow} tokens left in this {Policy.BudgetWindow} window for a request estimating {request.EstimatedTokens}{groups}: retry after {retryAfter}, or raise tokens_per_window."
            : $"Agent '{id}' has used its {grants.CallsPerWindow} calls for this {Policy.BudgetWindow} window{groups}: retry after {retryAfter}, or raise calls_per_window.";
    }

    private static string ExplainNotGranted(in AccessRequest request, string id, string target, AgentGrants grants, string groups)
    {
        var operation = request.Operation;
        switch (request.Resource)
        {
            case not (ResourceKind.Llm or ResourceKind.Tool or ResourceKind.Memory or ResourceKind.Storage):
                return $"Resource kind {(int)request.Resource} is not one of Llm, Tool, Memory, Storage.";
            case ResourceKind.Llm when operation != AccessOperation.Generate:
            case ResourceKind.Tool when operation != AccessOperation.Call:
            case ResourceKind.Memory or ResourceKind.Storage when !IsDataOperation(operation):
                string fits = request.Resource switch
                {
                    ResourceKind.Llm => "Generate",
                    ResourceKind.Tool => "Call",
                    _ => "Read, Write or Delete",
                };
                return $"Operation {operation} does not apply to {request.Resource}: use {fits}.";
            case ResourceKind.Llm:
                return request.Target is null
                    ? $"Agent '{id}' did not name an LLM backend, which only agents granted every backend (\"*\") may do{groups}: name the backend."
                    : $"Agent '{id}' may not use LLM backend {target}: none of its groups grants it{groups}. Add it to a group's llm_backends, or put the agent in a group that has it.";
            case ResourceKind.Tool:
                return request.Target is null
                    ? $"Agent '{id}' did not name the tool to call: name it."
                    : $"Agent '{id}' may not call tool {target}: none of its groups grants it{groups}. Add it to a group's tools, or put the agent in a group that has it.";
            case ResourceKind.Memory:
                string field = operation == AccessOperation.Read ? "memory_read" : "memory_write";
                return $"Agent '{id}' may not {Verb(operation)} the memory of agent {target}: an agent's memory is private unless shared{groups}. Add that agent to {field} of one of its groups.";
            default:
                string namespaces = string.Join(", ", operation == AccessOperation.Read ? grants.StorageRead : grants.StorageWrite);
                string storageField = operation == AccessOperation.Read ? "storage_read" : "storage_write";
                return $"Agent '{id}' may not {Verb(operation)} storage path {target}: it may {Verb(operation)} only under {namespaces}{groups}. Use a path there, or grant a namespace that contains it in {storageField}.";
        }
    }

    private static string Verb(AccessOperation operation) => operation switch
    {
        AccessOperation.Read => "read",
        AccessOperation.Write => "write",
        _ => "delete",
    };
}
