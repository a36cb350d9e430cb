namespace AgentOS.Access;

/// <summary>Builds a <see cref="PrivilegeGroup"/> in code; see <see cref="AccessPolicyBuilder.AddGroup(string, Action{PrivilegeGroupBuilder})"/>.</summary>
public sealed class PrivilegeGroupBuilder
{
    private readonly PrivilegeGroup _group = new() { Name = "" };

    internal PrivilegeGroupBuilder()
    {
    }

    /// <summary>Grants tools by name (<c>"*"</c> for all).</summary>
    public PrivilegeGroupBuilder AllowTools(params string[] names) => With(g => g.Tools = [.. g.Tools, .. names]);

    /// <summary>Grants reading under storage namespaces such as <c>shared/</c> (<c>"*"</c> for the whole store).</summary>
    public PrivilegeGroupBuilder ReadStorage(params string[] namespaces) => With(g => g.StorageRead = [.. g.StorageRead, .. namespaces]);

    /// <summary>Grants writing (and, with approval, deleting) under storage namespaces. Does not grant reading.</summary>
    public PrivilegeGroupBuilder WriteStorage(params string[] namespaces) => With(g => g.StorageWrite = [.. g.StorageWrite, .. namespaces]);

    /// <summary>Grants reading other agents' memory (<c>"*"</c> for every agent's).</summary>
    public PrivilegeGroupBuilder ReadMemoryOf(params string[] agentIds) => With(g => g.MemoryRead = [.. g.MemoryRead, .. agentIds]);

    /// <summary>Grants writing and deleting in other agents' memory. Does not grant reading.</summary>
    public PrivilegeGroupBuilder WriteMemoryOf(params string[] agentIds) => With(g => g.MemoryWrite = [.. g.MemoryWrite, .. agentIds]);

    /// <summary>Grants LLM backends by name (<c>"*"</c> for all).</summary>
    public PrivilegeGroupBuilder UseLlm(params string[] backends) => With(g => g.LlmBackends = [.. g.LlmBackends, .. backends]);

    /// <summary>Grants acting for other agents at the kernel's entry points (<c>"*"</c> for every agent).</summary>
    public PrivilegeGroupBuilder ActFor(params string[] agentIds) => With(g => g.ActFor = [.. g.ActFor, .. agentIds]);

    /// <summary>Grants deciding pending approvals.</summary>
    public PrivilegeGroupBuilder MayApprove() => With(g => g.Approve = true);

    /// <summary>Grants seeing every agent's status and events.</summary>
    public PrivilegeGroupBuilder MayMonitor() => With(g => g.Monitor = true);

    /// <summary>Limits tokens per budget window, per member.</summary>
    public PrivilegeGroupBuilder LimitTokens(int perWindow) => With(g => g.TokensPerWindow = perWindow);

    /// <summary>Limits syscalls per budget window, per member.</summary>
    public PrivilegeGroupBuilder LimitCalls(int perWindow) => With(g => g.CallsPerWindow = perWindow);

    /// <summary>Limits syscalls in flight at once, per member.</summary>
    public PrivilegeGroupBuilder LimitConcurrency(int maxInFlight) => With(g => g.MaxConcurrent = maxInFlight);

    /// <summary>Limits computer-use sessions per member: how many at once, and each workspace's bytes.</summary>
    public PrivilegeGroupBuilder LimitSessions(int maxSessions, long? diskBytes = null) => With(g =>
    {
        g.MaxSessions = maxSessions;
        g.SessionDiskBytes = diskBytes;
    });

    /// <summary>Lets members' sessions connect, through the kernel's proxy, to <paramref name="entries"/>
    /// (<c>HOST:PORT</c>; see <see cref="NetworkAllowList"/>).</summary>
    public PrivilegeGroupBuilder AllowNetwork(params string[] entries) => With(g => g.Network = [.. g.Network, .. entries]);

    internal PrivilegeGroup Build(string name)
    {
        var group = _group.Snapshot();
        group.Name = name;
        return group;
    }

    private PrivilegeGroupBuilder With(Action<PrivilegeGroup> change)
    {
        change(_group);
        return this;
    }
}
