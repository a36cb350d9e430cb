namespace AgentOS.Access;

/// <summary>A registered agent as the hot path sees it: identity, compiled grants and live counters.</summary>
internal sealed class AgentState(AgentIdentity identity, AgentGrants grants)
{
    public AgentIdentity Identity { get; } = identity;
    public AgentGrants Grants { get; } = grants;

    // Mutable counters, updated only with Interlocked / compare-and-swap (fields, so callers can pass them by ref).
    public WindowCounter Calls;
    public WindowCounter Tokens;
    public int InFlight;
}
