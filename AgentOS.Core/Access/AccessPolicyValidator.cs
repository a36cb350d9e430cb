using AgentOS.Storage;

namespace AgentOS.Access;

/// <summary>Checks an <see cref="AccessPolicy"/> and normalizes its namespaces; every problem is an
/// <see cref="AccessPolicyException"/> naming the group or agent and what to change.</summary>
internal static class AccessPolicyValidator
{
    public static void Validate(AccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.BudgetWindow <= TimeSpan.Zero)
        {
            throw new AccessPolicyException($"budget_window is {policy.BudgetWindow}: it must be positive (for example \"00:01:00\").");
        }
        if (policy.ApprovalTimeout <= TimeSpan.Zero && policy.ApprovalTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new AccessPolicyException($"approval_timeout is {policy.ApprovalTimeout}: it must be positive, or infinite (\"-00:00:00.001\").");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in policy.Groups ?? throw new AccessPolicyException("groups is null: give a list (it may be empty)."))
        {
            ValidateGroup(group);
            if (!names.Add(group.Name))
            {
                throw new AccessPolicyException($"Two groups are called '{group.Name}': group names must be unique.");
            }
        }
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var agent in policy.Agents ?? throw new AccessPolicyException("agents is null: give a list (it may be empty)."))
        {
            if (agent is null)
            {
                throw new AccessPolicyException("agents contains null: give each agent an id and groups.");
            }
            if (!ids.Add(agent.Id))
            {
                throw new AccessPolicyException($"Agent '{agent.Id}' appears twice (ids are unique ignoring case).");
            }
            foreach (var group in agent.Groups)
            {
                if (!names.Contains(group))
                {
                    throw new AccessPolicyException($"Agent '{agent.Id}' is in group '{group}', which the policy does not define: add the group or fix the name (known: {string.Join(", ", names)}).");
                }
            }
        }
    }

    /// <summary>A storage grant as a prefix ending with '/', or <see langword="null"/> for "*" (everything).</summary>
    public static string? NormalizeNamespace(string entry, string groupName, string field)
    {
        if (entry == PrivilegeGroup.Everything)
        {
            return null;
        }
        var path = entry.EndsWith('/') ? entry[..^1] : entry;
        var error = StoragePath.Validate(path, out int position);
        if (error != StorageKeyError.None)
        {
            throw new AccessPolicyException($"Group '{groupName}' {field} entry \"{StoragePath.Escape(entry)}\" is not a valid namespace: {StoragePath.Explain(path, error, position)}");
        }
        return path + "/";
    }

    private static void ValidateGroup(PrivilegeGroup group)
    {
        if (group is null)
        {
            throw new AccessPolicyException("groups contains null: give each group a name.");
        }
        if (string.IsNullOrWhiteSpace(group.Name))
        {
            throw new AccessPolicyException("A group has no name: name every group, so agents can refer to it.");
        }
        RequireNames(group, group.Tools, "tools");
        RequireNames(group, group.LlmBackends, "llm_backends");
        foreach (var entry in Required(group, group.StorageRead, "storage_read"))
        {
            NormalizeNamespace(entry, group.Name, "storage_read");
        }
        foreach (var entry in Required(group, group.StorageWrite, "storage_write"))
        {
            NormalizeNamespace(entry, group.Name, "storage_write");
        }
        RequireAgentIds(group, group.MemoryRead, "memory_read");
        RequireAgentIds(group, group.MemoryWrite, "memory_write");
        RequireAgentIds(group, group.ActFor, "act_for");
        RequirePositive(group, group.TokensPerWindow, "tokens_per_window");
        RequirePositive(group, group.CallsPerWindow, "calls_per_window");
        RequirePositive(group, group.MaxConcurrent, "max_concurrent");
        RequirePositive(group, group.MaxSessions, "max_sessions");
        if (group.SessionDiskBytes is < 4096)
        {
            throw new AccessPolicyException($"Group '{group.Name}' has session_disk_bytes: {group.SessionDiskBytes}; a workspace needs at least 4096 bytes (leave it out for the kernel's default).");
        }
        NetworkAllowList.Parse(Required(group, group.Network, "network"), group.Name);
    }

    private static IReadOnlyList<string> Required(PrivilegeGroup group, IReadOnlyList<string>? list, string field)
    {
        if (list is null)
        {
            throw new AccessPolicyException($"Group '{group.Name}' has {field}: null; give a list (it may be empty).");
        }
        foreach (var entry in list)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                throw new AccessPolicyException($"Group '{group.Name}' has an empty entry in {field}: remove it, or use \"*\" for everything.");
            }
        }
        return list;
    }

    private static void RequireNames(PrivilegeGroup group, IReadOnlyList<string>? list, string field) => Required(group, list, field);

    private static void RequireAgentIds(PrivilegeGroup group, IReadOnlyList<string>? list, string field)
    {
        foreach (var entry in Required(group, list, field))
        {
            if (entry != PrivilegeGroup.Everything && !AgentIdentity.IsValidId(entry))
            {
                throw new AccessPolicyException($"Group '{group.Name}' {field} entry \"{StoragePath.Escape(entry)}\" is not a valid agent id (ASCII letters, digits, '_', '-', '.'), nor \"*\".");
            }
        }
    }

    private static void RequirePositive(PrivilegeGroup group, int? value, string field)
    {
        if (value is <= 0)
        {
            throw new AccessPolicyException($"Group '{group.Name}' has {field}: {value}; a limit must be at least 1 (leave it out for no limit).");
        }
    }
}
