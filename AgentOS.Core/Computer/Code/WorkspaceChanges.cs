using AgentOS.Computer.Documents;

namespace AgentOS.Computer.Code;

/// <summary>
/// Finds the files a call created, modified or deleted by listing the workspace before and after it (through
/// <see cref="Workspace"/>, so a symlink the code planted is listed, never followed). A file counts as modified when
/// its size or last-write time changed. Folders are not reported, only what is in them.
/// </summary>
internal sealed class WorkspaceChanges
{
    private readonly Dictionary<string, WorkspaceEntry>? _before;

    private WorkspaceChanges(Dictionary<string, WorkspaceEntry>? before) => _before = before;

    /// <summary>The listing before a call; untracked (null changes) where the workspace is larger than the cap or
    /// cannot be listed on this platform.</summary>
    public static WorkspaceChanges Before(ISessionHost host, int maxEntries) => new(Snapshot(host, maxEntries));

    /// <summary>The changes since <see cref="Before"/>, in path order, or null when they could not be tracked.</summary>
    public List<CodeFileChange>? After(ISessionHost host, int maxEntries)
    {
        if (_before is null || Snapshot(host, maxEntries) is not { } after)
        {
            return null;
        }
        var changes = new List<CodeFileChange>();
        foreach (var (path, now) in after)
        {
            if (!_before.TryGetValue(path, out var was) || was.Type != now.Type)
            {
                changes.Add(new CodeFileChange(path, "created", now.Size));
            }
            else if (was.Size != now.Size || was.Modified != now.Modified || was.Target != now.Target)
            {
                changes.Add(new CodeFileChange(path, "modified", now.Size));
            }
        }
        foreach (var path in _before.Keys.Where(p => !after.ContainsKey(p)))
        {
            changes.Add(new CodeFileChange(path, "deleted", null));
        }
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    private static Dictionary<string, WorkspaceEntry>? Snapshot(ISessionHost host, int maxEntries)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var (entries, truncated, _) = Workspace.Of(host).List(".", recursive: true, maxEntries);
        return truncated ? null : entries.Where(e => e.Type != "directory").ToDictionary(e => e.Path, StringComparer.Ordinal);
    }
}
