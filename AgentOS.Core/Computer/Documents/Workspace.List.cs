using Microsoft.Win32.SafeHandles;

namespace AgentOS.Computer.Documents;

internal sealed partial class Workspace
{
    /// <summary>
    /// Lists a folder (and its subfolders when <paramref name="recursive"/>), in name order, never following a
    /// symlink: each subfolder is opened with O_NOFOLLOW from its parent's descriptor, and entries are read through
    /// that descriptor (<c>/proc/self/fd/N</c>), not by path.
    /// </summary>
    /// <returns>The entries (at most <paramref name="maxEntries"/>) and whether more were left out.</returns>
    public (List<WorkspaceEntry> Entries, bool Truncated, string Path) List(string path, bool recursive, int maxEntries)
    {
        var (handle, resolved) = OpenDirectory(path);
        var entries = new List<WorkspaceEntry>();
        using (handle)
        {
            bool complete = Walk(handle, resolved == "." ? "" : resolved + "/", recursive, maxEntries, entries);
            return (entries, !complete, resolved);
        }
    }

    private static bool Walk(SafeFileHandle dir, string prefix, bool recursive, int maxEntries, List<WorkspaceEntry> entries)
    {
        var children = new DirectoryInfo($"/proc/self/fd/{Fd(dir)}").EnumerateFileSystemInfos()
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var child in children)
        {
            if (entries.Count >= maxEntries)
            {
                return false;
            }
            string relative = prefix + child.Name;
            var modified = new DateTimeOffset(child.LastWriteTimeUtc, TimeSpan.Zero);
            if (child.LinkTarget is { } target)
            {
                entries.Add(new WorkspaceEntry(relative, "symlink", null, modified, target));
            }
            else if (child is DirectoryInfo)
            {
                entries.Add(new WorkspaceEntry(relative, "directory", null, modified));
                if (recursive)
                {
                    int fd = WorkspaceNative.OpenAt(Fd(dir), child.Name, WorkspaceNative.ReadOnly | WorkspaceNative.Directory | WorkspaceNative.NoFollow | WorkspaceNative.CloseOnExec, 0);
                    if (fd >= 0)
                    {
                        using var sub = new SafeFileHandle(fd, ownsHandle: true);
                        if (!Walk(sub, relative + "/", recursive, maxEntries, entries))
                        {
                            return false;
                        }
                    }
                }
            }
            else
            {
                entries.Add(new WorkspaceEntry(relative, "file", ((FileInfo)child).Length, modified));
            }
        }
        return true;
    }
}
