namespace AgentOS.Access;

/// <content>What a principal (an authenticated caller of an entry point) may do beyond its own syscalls: act for other
/// agents, decide approvals, monitor every agent. An administrator may do all three; an agent's grants come from its
/// privilege groups (<see cref="PrivilegeGroup.ActFor"/>, <see cref="PrivilegeGroup.Approve"/>,
/// <see cref="PrivilegeGroup.Monitor"/>).</content>
public sealed partial class AccessManager
{
    /// <summary>Whether <paramref name="principal"/> may make requests as agent <paramref name="agentId"/>: it is that
    /// agent, an administrator, or an agent whose groups grant <c>act_for</c> that agent (or <c>"*"</c>).</summary>
    public bool MayActFor(Principal principal, string agentId)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(agentId);
        if (principal.IsAdmin || string.Equals(principal.Name, agentId, StringComparison.Ordinal))
        {
            return true;
        }
        return _agents.TryGetValue(principal.Name, out var state) && (state.Grants.ActForAll || state.Grants.ActFor.Contains(agentId));
    }

    /// <summary>Whether <paramref name="principal"/> may approve or deny pending irreversible requests.</summary>
    public bool MayApprove(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsAdmin || (_agents.TryGetValue(principal.Name, out var state) && state.Grants.Approve);
    }

    /// <summary>Whether <paramref name="principal"/> may see every agent's status and events.</summary>
    public bool MayMonitor(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.IsAdmin || (_agents.TryGetValue(principal.Name, out var state) && state.Grants.Monitor);
    }

    /// <summary>Whether <paramref name="principal"/> may see agent <paramref name="agentId"/> (its status, events and
    /// approvals): itself, an agent it may act for, or any agent with the monitor grant.</summary>
    public bool MaySee(Principal principal, string agentId) => MayMonitor(principal) || MayActFor(principal, agentId);
}
