namespace AgentOS.Access;

public sealed partial class AccessManager
{
    /// <summary>The agent's session grants: how many sessions at once and each workspace's bytes, each
    /// <see langword="null"/> where no group of the agent sets it; <see langword="null"/> for an unknown agent.</summary>
    internal (int? MaxSessions, long? DiskBytes)? SessionGrants(string agentId) =>
        _agents.TryGetValue(agentId, out var agent) ? (agent.Grants.MaxSessions, agent.Grants.SessionDiskBytes) : null;

    /// <summary>Where the agent's sessions may connect through the kernel's proxy (empty: no network);
    /// <see langword="null"/> for an unknown agent.</summary>
    internal NetworkAllowList? NetworkGrant(string agentId) =>
        _agents.TryGetValue(agentId, out var agent) ? agent.Grants.Network : null;
}
