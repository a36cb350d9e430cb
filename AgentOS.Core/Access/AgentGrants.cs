using System.Collections.Frozen;

namespace AgentOS.Access;

/// <summary>
/// One agent's capabilities, compiled once at registration from the union of its groups, in shapes the hot path
/// reads without locks or allocation: frozen sets for names, arrays of namespace prefixes, flags for "*".
/// </summary>
internal sealed class AgentGrants
{
    public const long Unlimited = long.MaxValue;

    private AgentGrants(string ownNamespace)
    {
        OwnNamespace = ownNamespace;
    }

    public string OwnNamespace { get; }
    public string GroupList { get; private init; } = "";
    public bool AllTools { get; private init; }
    public FrozenSet<string> Tools { get; private init; } = FrozenSet<string>.Empty;
    // "server.*" grants every tool of one MCP server (whose list may change at run time): kept as the prefix "server.".
    public string[] ToolPrefixes { get; private init; } = [];
    public bool AllBackends { get; private init; }
    public FrozenSet<string> Backends { get; private init; } = FrozenSet<string>.Empty;
    public bool ReadAllMemory { get; private init; }
    public FrozenSet<string> MemoryRead { get; private init; } = FrozenSet<string>.Empty;
    public bool WriteAllMemory { get; private init; }
    public FrozenSet<string> MemoryWrite { get; private init; } = FrozenSet<string>.Empty;
    public bool ReadAllStorage { get; private init; }
    public string[] StorageRead { get; private init; } = [];
    public bool WriteAllStorage { get; private init; }
    public string[] StorageWrite { get; private init; } = [];
    public bool ActForAll { get; private init; }
    public FrozenSet<string> ActFor { get; private init; } = FrozenSet<string>.Empty;
    public bool Approve { get; private init; }
    public bool Monitor { get; private init; }
    public long TokensPerWindow { get; private init; } = Unlimited;
    public long CallsPerWindow { get; private init; } = Unlimited;
    public int MaxConcurrent { get; private init; } = int.MaxValue;
    public int? MaxSessions { get; private init; }
    public long? SessionDiskBytes { get; private init; }
    public NetworkAllowList Network { get; private init; } = NetworkAllowList.None;

    /// <summary>Compiles the union of <paramref name="agent"/>'s groups (the most generous value of each budget).</summary>
    /// <exception cref="ArgumentException">The agent names a group the policy lacks.</exception>
    public static AgentGrants Compile(AgentIdentity agent, IReadOnlyDictionary<string, PrivilegeGroup> groups)
    {
        var members = new List<PrivilegeGroup>(agent.Groups.Count);
        foreach (var name in agent.Groups)
        {
            if (!groups.TryGetValue(name, out var group))
            {
                throw new ArgumentException($"Agent '{agent.Id}' is in group '{name}', which the access policy does not define: add the group to the policy or fix the name (known: {string.Join(", ", groups.Keys)}).", nameof(agent));
            }
            members.Add(group);
        }
        var tools = Names(members, g => g.Tools);
        var backends = Names(members, g => g.LlmBackends);
        var memoryRead = Names(members, g => g.MemoryRead);
        var memoryWrite = Names(members, g => g.MemoryWrite);
        var actFor = Names(members, g => g.ActFor);
        var (readAll, read) = Namespaces(members, g => g.StorageRead, "storage_read");
        var (writeAll, write) = Namespaces(members, g => g.StorageWrite, "storage_write");
        string own = StoragePath.AgentNamespace(agent.Id);
        return new AgentGrants(own)
        {
            GroupList = members.Count == 0 ? "none" : string.Join(", ", agent.Groups),
            AllTools = tools.Remove(PrivilegeGroup.Everything),
            Tools = tools.ToFrozenSet(StringComparer.Ordinal),
            ToolPrefixes = [.. tools.Where(t => t.Length > 2 && t.EndsWith(".*", StringComparison.Ordinal)).Select(t => t[..^1])],
            AllBackends = backends.Remove(PrivilegeGroup.Everything),
            Backends = backends.ToFrozenSet(StringComparer.Ordinal),
            ReadAllMemory = memoryRead.Remove(PrivilegeGroup.Everything),
            MemoryRead = memoryRead.ToFrozenSet(StringComparer.Ordinal),
            WriteAllMemory = memoryWrite.Remove(PrivilegeGroup.Everything),
            MemoryWrite = memoryWrite.ToFrozenSet(StringComparer.Ordinal),
            ReadAllStorage = readAll,
            StorageRead = [own, .. read],
            WriteAllStorage = writeAll,
            StorageWrite = [own, .. write],
            ActForAll = actFor.Remove(PrivilegeGroup.Everything),
            ActFor = actFor.ToFrozenSet(StringComparer.Ordinal),
            Approve = members.Exists(g => g.Approve),
            Monitor = members.Exists(g => g.Monitor),
            TokensPerWindow = MostGenerous(members, g => g.TokensPerWindow, Unlimited),
            CallsPerWindow = MostGenerous(members, g => g.CallsPerWindow, Unlimited),
            MaxConcurrent = (int)MostGenerous(members, g => g.MaxConcurrent, int.MaxValue),
            MaxSessions = LargestSet(members, g => g.MaxSessions),
            SessionDiskBytes = LargestSet(members, g => g.SessionDiskBytes),
            Network = NetworkAllowList.Union(members.Select(g => NetworkAllowList.Parse(g.Network, g.Name))),
        };
    }

    private static HashSet<string> Names(List<PrivilegeGroup> groups, Func<PrivilegeGroup, IReadOnlyList<string>> select)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            names.UnionWith(select(group));
        }
        return names;
    }

    private static (bool All, List<string> Prefixes) Namespaces(List<PrivilegeGroup> groups, Func<PrivilegeGroup, IReadOnlyList<string>> select, string field)
    {
        var prefixes = new List<string>();
        foreach (var group in groups)
        {
            foreach (var entry in select(group))
            {
                var prefix = AccessPolicyValidator.NormalizeNamespace(entry, group.Name, field);
                if (prefix is null)
                {
                    return (true, []);
                }
                if (!prefixes.Contains(prefix))
                {
                    prefixes.Add(prefix);
                }
            }
        }
        return (false, prefixes);
    }

    // Session limits: a group that leaves one unset defers to the kernel's default rather than lifting the limit
    // (an unlimited tmpfs is unlimited RAM), so only the groups that set a value count.
    private static T? LargestSet<T>(List<PrivilegeGroup> groups, Func<PrivilegeGroup, T?> select) where T : struct, IComparable<T>
    {
        T? best = null;
        foreach (var group in groups)
        {
            if (select(group) is T value && (best is not T current || value.CompareTo(current) > 0))
            {
                best = value;
            }
        }
        return best;
    }

    // No group: unlimited. Otherwise the largest limit, where a group without a limit counts as unlimited.
    private static long MostGenerous(List<PrivilegeGroup> groups, Func<PrivilegeGroup, int?> select, long unlimited)
    {
        if (groups.Count == 0)
        {
            return unlimited;
        }
        long best = 0;
        foreach (var group in groups)
        {
            if (select(group) is not int limit)
            {
                return unlimited;
            }
            best = Math.Max(best, limit);
        }
        return best;
    }
}
