using AgentOS.Storage;

namespace AgentOS.Access;

/// <content>The decision itself: grants, then approval, then budgets. Lock-free and allocation-free.</content>
public sealed partial class AccessManager
{
    private Verdict Decide(in AccessRequest request, bool approved) => Decide(in request, approved, Elapsed());

    private Verdict Decide(in AccessRequest request, bool approved, long elapsed)
    {
        long at = _originUtcTicks + elapsed;
        if (request.AgentId is null || !_agents.TryGetValue(request.AgentId, out var agent))
        {
            return new Verdict(DenialReason.UnknownAgent, null, at, 0, null);
        }
        var reason = EvaluateGrants(agent, in request);
        if (reason != DenialReason.None)
        {
            return new Verdict(reason, agent, at, 0, null);
        }
        if (!approved && request.NeedsApproval)
        {
            return new Verdict(DenialReason.ApprovalRequired, agent, at, 0, null);
        }
        uint window = Window(elapsed);
        reason = Acquire(agent, in request, window, out bool tokens);
        TimeSpan? retryAfter = reason == DenialReason.BudgetExceeded && !ExceedsWholeBudget(agent, in request)
            ? WindowRemaining(elapsed)
            : null;
        return new Verdict(reason, agent, at, window, retryAfter, tokens);
    }

    /// <summary>Whether the agent's grants let it use the LLM backend (nothing is checked against budgets, reserved
    /// or recorded): the LLM router prefers such backends when it fails over.</summary>
    public bool MayUseLlm(string agentId, string backend) =>
        _agents.TryGetValue(agentId, out var agent)
        && EvaluateGrants(agent, new AccessRequest(agentId, ResourceKind.Llm, AccessOperation.Generate, backend)) == DenialReason.None;

    /// <summary>Whether the agent's grants let it call the tool (nothing is checked against budgets or approvals): the
    /// tools an agent is shown are the ones it may call.</summary>
    public bool MayCallTool(string agentId, string tool) =>
        _agents.TryGetValue(agentId, out var agent)
        && EvaluateGrants(agent, new AccessRequest(agentId, ResourceKind.Tool, AccessOperation.Call, tool)) == DenialReason.None;

    private static DenialReason EvaluateGrants(AgentState agent, in AccessRequest request)
    {
        var grants = agent.Grants;
        string? target = request.Target;
        var operation = request.Operation;
        switch (request.Resource)
        {
            case ResourceKind.Llm:
                return operation == AccessOperation.Generate &&
                       (grants.AllBackends || (target is not null && grants.Backends.Contains(target)))
                    ? DenialReason.None
                    : DenialReason.NotGranted;
            case ResourceKind.Tool:
                return operation == AccessOperation.Call && target is not null &&
                       (grants.AllTools || grants.Tools.Contains(target) || HasPrefix(target, grants.ToolPrefixes))
                    ? DenialReason.None
                    : DenialReason.NotGranted;
            case ResourceKind.Memory:
                if (!IsDataOperation(operation))
                {
                    return DenialReason.NotGranted;
                }
                if (target is null || string.Equals(target, agent.Identity.Id, StringComparison.Ordinal))
                {
                    return DenialReason.None;
                }
                bool memoryGranted = operation == AccessOperation.Read
                    ? grants.ReadAllMemory || grants.MemoryRead.Contains(target)
                    : grants.WriteAllMemory || grants.MemoryWrite.Contains(target);
                return memoryGranted ? DenialReason.None : DenialReason.NotGranted;
            case ResourceKind.Storage:
                if (!IsDataOperation(operation))
                {
                    return DenialReason.NotGranted;
                }
                if (target is null || StoragePath.Validate(target) != StorageKeyError.None)
                {
                    return DenialReason.InvalidPath;
                }
                bool storageGranted = operation == AccessOperation.Read
                    ? grants.ReadAllStorage || IsInAny(target, grants.StorageRead)
                    : grants.WriteAllStorage || IsInAny(target, grants.StorageWrite);
                return storageGranted ? DenialReason.None : DenialReason.NotGranted;
            default:
                return DenialReason.NotGranted;
        }
    }

    /// <summary>
    /// Whether <paramref name="agentId"/>'s grants let it read <paramref name="owner"/>'s memory: its own always,
    /// another's only with an explicit grant. Grants only: no budget is reserved and nothing is audited (the syscall
    /// carrying the question was already checked and audited as a whole).
    /// </summary>
    public bool MayReadMemory(string agentId, string owner) =>
        _agents.TryGetValue(agentId, out var agent) &&
        EvaluateGrants(agent, new AccessRequest(agentId, ResourceKind.Memory, AccessOperation.Read, owner)) == DenialReason.None;

    private static bool IsDataOperation(AccessOperation operation) =>
        operation is AccessOperation.Read or AccessOperation.Write or AccessOperation.Delete;

    private static bool HasPrefix(string tool, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (tool.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsInAny(string path, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (StoragePath.IsIn(path, prefix))
            {
                return true;
            }
        }
        return false;
    }

    // Order: in-flight slot, calls, tokens; a later refusal gives back what the earlier steps took. Between a charge
    // and its refund another thread may see the budget one fuller than it ends up: it can be denied early, never
    // allowed past a limit.
    private static DenialReason Acquire(AgentState agent, in AccessRequest request, uint window, out bool tokensExhausted)
    {
        var grants = agent.Grants;
        tokensExhausted = false;
        if (Interlocked.Increment(ref agent.InFlight) > grants.MaxConcurrent)
        {
            ReleaseSlot(agent);
            return DenialReason.ConcurrencyLimit;
        }
        bool callsLimited = grants.CallsPerWindow != AgentGrants.Unlimited;
        if (callsLimited && !agent.Calls.TryCharge(window, 1, grants.CallsPerWindow))
        {
            ReleaseSlot(agent);
            return DenialReason.BudgetExceeded;
        }
        if (grants.TokensPerWindow != AgentGrants.Unlimited && ChargesTokens(in request) &&
            !agent.Tokens.TryCharge(window, Math.Max(request.EstimatedTokens, 0), grants.TokensPerWindow))
        {
            if (callsLimited)
            {
                agent.Calls.Add(window, -1);
            }
            ReleaseSlot(agent);
            tokensExhausted = true;
            return DenialReason.BudgetExceeded;
        }
        return DenialReason.None;
    }

    /// <summary>Gives back everything <see cref="Acquire"/> took, for a request that will not run after all.</summary>
    private static void Release(AgentState agent, in AccessRequest request, uint window)
    {
        var grants = agent.Grants;
        if (grants.CallsPerWindow != AgentGrants.Unlimited)
        {
            agent.Calls.Add(window, -1);
        }
        if (grants.TokensPerWindow != AgentGrants.Unlimited && ChargesTokens(in request))
        {
            agent.Tokens.Add(window, -Math.Max(request.EstimatedTokens, 0));
        }
        ReleaseSlot(agent);
    }

    // Decrements the in-flight count, never below zero (a Complete after Unregister + Register lands on a fresh count).
    private static void ReleaseSlot(AgentState agent)
    {
        int current = Volatile.Read(ref agent.InFlight);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref agent.InFlight, current - 1, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static bool ChargesTokens(in AccessRequest request) =>
        request.Resource == ResourceKind.Llm || request.EstimatedTokens > 0;

    private static bool ExceedsWholeBudget(AgentState agent, in AccessRequest request) =>
        ChargesTokens(in request) && request.EstimatedTokens > agent.Grants.TokensPerWindow;

    // UtcTicks: when the decision was made (UTC ticks), kept as a number so the allowed path builds no DateTimeOffset.
    private readonly record struct Verdict(DenialReason Reason, AgentState? Agent, long UtcTicks, uint Window, TimeSpan? RetryAfter, bool TokensExhausted = false)
    {
        public DateTimeOffset At => new(UtcTicks, TimeSpan.Zero);
    }
}
