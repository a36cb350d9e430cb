using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>
/// A named set of capabilities that agents share by belonging to it: which tools, storage namespaces, other agents'
/// memory and LLM backends they may use, and their budgets. Part of an <see cref="AccessPolicy"/>; build one with
/// <see cref="PrivilegeGroupBuilder"/> or load it from JSON.
/// </summary>
/// <remarks>
/// <para>What every agent has without any group: read and write on its own storage namespace
/// <c>agents/{id}/</c> and on its own memory. Everything else is granted here; nothing is implied (write does not
/// imply read, storage does not imply memory).</para>
/// <para><b>Several groups</b>: an agent gets the union of its groups' grants, and for each budget the most generous
/// value among its groups, field by field (a group that leaves a limit unset makes it unlimited for its members).
/// Budgets are per agent, never shared by the group's members.</para>
/// <para>Properties are settable (not init-only) because the JSON source generator sets every init-only property,
/// overwriting the defaults of those a file leaves out. An access manager copies the groups when it is created;
/// changing a group afterwards does not change what that manager allows.</para>
/// </remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt limit must not silently mean "no limit"
public sealed class PrivilegeGroup
{
    /// <summary>The wildcard that grants every tool, backend, storage path or agent's memory.</summary>
    public const string Everything = "*";

    /// <summary>The group's name, unique in its policy; agents list it in <see cref="AgentIdentity.Groups"/>.</summary>
    public required string Name { get; set; }

    /// <summary>Tools the members may call, by name, <c>"server.*"</c> for every tool of an MCP server (also those it
    /// adds later), or <c>"*"</c> for all.</summary>
    public IReadOnlyList<string> Tools { get; set; } = [];

    /// <summary>Storage namespaces (folder paths such as <c>shared/</c>, or <c>"*"</c> for the whole store) the members may read.</summary>
    public IReadOnlyList<string> StorageRead { get; set; } = [];

    /// <summary>Storage namespaces the members may write and (with approval) delete in.</summary>
    public IReadOnlyList<string> StorageWrite { get; set; } = [];

    /// <summary>Agents whose memory the members may read (their own is always allowed), or <c>"*"</c>.</summary>
    public IReadOnlyList<string> MemoryRead { get; set; } = [];

    /// <summary>Agents whose memory the members may write and delete in (their own is always allowed), or <c>"*"</c>.</summary>
    public IReadOnlyList<string> MemoryWrite { get; set; } = [];

    /// <summary>LLM backends the members may generate with, by name, or <c>"*"</c>.</summary>
    public IReadOnlyList<string> LlmBackends { get; set; } = [];

    /// <summary>
    /// Agents the members may act for at the kernel's entry points — a request whose <c>agent_id</c> is not the
    /// caller's own identity — or <c>"*"</c> for every agent: an orchestrator's grant. The request then runs with that
    /// agent's grants and budgets, and the audit records it as "caller acting for agent" (<see cref="AuditRecord.ActedBy"/>).
    /// </summary>
    public IReadOnlyList<string> ActFor { get; set; } = [];

    /// <summary>Whether the members may decide pending approvals (approve or deny another agent's irreversible
    /// request); the audit records the deciding member as the approver.</summary>
    public bool Approve { get; set; }

    /// <summary>Whether the members may see every agent in the kernel's status and event stream (without it, a caller
    /// sees only itself and the agents it may act for).</summary>
    public bool Monitor { get; set; }

    /// <summary>Tokens each member may use per budget window (estimated at the check, corrected at completion);
    /// <see langword="null"/> for no limit.</summary>
    public int? TokensPerWindow { get; set; }

    /// <summary>Syscalls (of every kind) each member may make per budget window; <see langword="null"/> for no limit.</summary>
    public int? CallsPerWindow { get; set; }

    /// <summary>Syscalls each member may have in flight at once; <see langword="null"/> for no limit.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>Computer-use sessions each member may hold at once (the tools themselves are granted in
    /// <see cref="Tools"/>: <c>session.create</c>, <c>terminal.run</c>, ...); <see langword="null"/> leaves it to the
    /// kernel's <c>computer.max_sessions</c>. With several groups, the largest value any of them sets.</summary>
    public int? MaxSessions { get; set; }

    /// <summary>The largest workspace (bytes) a member's session may have; <see langword="null"/> leaves it to the
    /// kernel's <c>computer.limits.disk_bytes</c>. With several groups, the largest value any of them sets.</summary>
    public long? SessionDiskBytes { get; set; }

    /// <summary>Where the members' computer-use sessions may connect, through the kernel's proxy: entries
    /// <c>HOST:PORT</c> (see <see cref="NetworkAllowList"/>: names, <c>*.suffix</c>, addresses, networks, port ranges).
    /// Empty (the default): sessions have no network at all. With several groups, the union.</summary>
    public IReadOnlyList<string> Network { get; set; } = [];

    /// <summary>The group's name.</summary>
    public override string ToString() => Name;

    /// <summary>A copy that later changes to this group (or its lists) do not reach.</summary>
    internal PrivilegeGroup Snapshot() => new()
    {
        Name = Name,
        Tools = [.. Tools],
        StorageRead = [.. StorageRead],
        StorageWrite = [.. StorageWrite],
        MemoryRead = [.. MemoryRead],
        MemoryWrite = [.. MemoryWrite],
        LlmBackends = [.. LlmBackends],
        ActFor = [.. ActFor],
        Approve = Approve,
        Monitor = Monitor,
        TokensPerWindow = TokensPerWindow,
        CallsPerWindow = CallsPerWindow,
        MaxConcurrent = MaxConcurrent,
        MaxSessions = MaxSessions,
        SessionDiskBytes = SessionDiskBytes,
        Network = [.. Network],
    };
}
