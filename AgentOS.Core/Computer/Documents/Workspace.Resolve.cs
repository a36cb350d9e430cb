using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AgentOS.Computer.Documents;

internal sealed partial class Workspace
{
    /// <summary>
    /// Walks <paramref name="path"/> from the root: each directory component is opened with O_DIRECTORY|O_NOFOLLOW
    /// relative to its parent's descriptor; when an open fails on a symlink, its target (read with readlinkat) is
    /// spliced into the remaining components, relative to the link's folder or, when absolute, to the root if it
    /// names the workspace (as the host or the sandbox sees it), and refused otherwise. <c>..</c> pops a resolved
    /// component and never climbs above the root. The last component is opened with <paramref name="finalFlags"/>
    /// plus O_NOFOLLOW, so a symlink swapped in after any earlier step fails that open and is resolved like the rest.
    /// </summary>
    private (SafeFileHandle Handle, string Path) Resolve(string path, int finalFlags, bool createDirectories, bool directory)
    {
        var remaining = new Stack<string>(Split(path).AsEnumerable().Reverse());
        var resolved = new List<string>();
        var dir = OpenRoot();
        int links = 0;
        int retries = 0;
        try
        {
            while (true)
            {
                if (remaining.Count == 0)
                {
                    if (!directory)
                    {
                        throw new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' names a folder; give a file's path.");
                    }
                    var result = (dir, Join(resolved));
                    dir = null!;
                    return result;
                }
                string name = remaining.Pop();
                if (name is "" or ".")
                {
                    continue;
                }
                if (name == "..")
                {
                    if (resolved.Count == 0)
                    {
                        throw links > 0
                            ? new WorkspacePathException(WorkspacePathError.SymlinkOutside, path, $"'{path}' goes through a symlink whose target climbs above the workspace; symlinks leading out of the workspace are refused.")
                            : new WorkspacePathException(WorkspacePathError.EscapesRoot, path, $"'{path}' climbs above the workspace with '..'; use a path inside the workspace.");
                    }
                    resolved.RemoveAt(resolved.Count - 1);
                    dir.Dispose();
                    dir = Reopen(resolved, path);
                    continue;
                }

                bool last = remaining.Count == 0;
                int flags = (last && !directory ? finalFlags : WorkspaceNative.ReadOnly | WorkspaceNative.Directory) | WorkspaceNative.NoFollow | WorkspaceNative.CloseOnExec;
                int fd = WorkspaceNative.OpenAt(Fd(dir), name, flags, 0b110_100_100);
                if (fd >= 0)
                {
                    var opened = new SafeFileHandle(fd, ownsHandle: true);
                    resolved.Add(name);
                    if (last && !directory)
                    {
                        return (opened, Join(resolved));
                    }
                    dir.Dispose();
                    dir = opened;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (WorkspaceNative.ReadLink(Fd(dir), name) is { } target)
                {
                    if (++links > MaxLinks)
                    {
                        throw new WorkspacePathException(WorkspacePathError.TooManyLinks, path, $"'{path}' follows more than {MaxLinks} symlinks (a loop?).");
                    }
                    if (target.StartsWith('/'))
                    {
                        string inside = InsideWorkspace(target)
                            ?? throw new WorkspacePathException(WorkspacePathError.SymlinkOutside, path, $"'{path}': '{Join([.. resolved, name])}' is a symlink to '{target}', outside the workspace; symlinks leading out of the workspace are refused.");
                        resolved.Clear();
                        dir.Dispose();
                        dir = OpenRoot();
                        target = inside;
                    }
                    foreach (var part in target.Split('/').Reverse())
                    {
                        remaining.Push(part);
                    }
                    continue;
                }
                if (errno == WorkspaceNative.ENOENT && !last && createDirectories)
                {
                    if (WorkspaceNative.MkDirAt(Fd(dir), name, 0b111_101_101) < 0 && Marshal.GetLastPInvokeError() != WorkspaceNative.EEXIST)
                    {
                        throw new WorkspacePathException(WorkspacePathError.AccessDenied, path, $"Cannot create the folder '{Join([.. resolved, name])}' (errno {Marshal.GetLastPInvokeError()}).");
                    }
                    remaining.Push(name);
                    continue;
                }
                if (errno is WorkspaceNative.ELOOP or WorkspaceNative.ENOTDIR && ++retries < 8)
                {
                    // It was a symlink when opened and is not one now: it is being swapped; look again.
                    remaining.Push(name);
                    continue;
                }
                string at = Join([.. resolved, name]);
                throw errno switch
                {
                    WorkspaceNative.ENOENT => new WorkspacePathException(WorkspacePathError.NotFound, path, $"'{path}' does not exist in the workspace ('{at}' is missing); list the folder to see what is there."),
                    WorkspaceNative.ENOTDIR => new WorkspacePathException(WorkspacePathError.NotADirectory, path, $"'{at}' in '{path}' is not a folder."),
                    WorkspaceNative.EISDIR => new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' names a folder; give a file's path."),
                    WorkspaceNative.ENXIO => new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' is not a regular file (a pipe, socket or device)."),
                    WorkspaceNative.EACCES or WorkspaceNative.EPERM => new WorkspacePathException(WorkspacePathError.AccessDenied, path, $"Access to '{at}' was refused by the operating system."),
                    _ => new WorkspacePathException(WorkspacePathError.Invalid, path, $"'{path}' cannot be opened (errno {errno} at '{at}')."),
                };
            }
        }
        finally
        {
            dir?.Dispose();
        }
    }

    /// <summary>The components of a workspace-relative path, refusing absolute paths and NUL bytes up front.</summary>
    internal static string[] Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new WorkspacePathException(WorkspacePathError.Invalid, path, "The path contains a NUL character.");
        }
        if (path.StartsWith('/') || path.StartsWith('\\') || Path.IsPathRooted(path) || (path.Length >= 2 && path[1] == ':'))
        {
            throw new WorkspacePathException(WorkspacePathError.Absolute, path, $"'{path}' is absolute; give a path relative to the workspace (for example 'notes/todo.md').");
        }
        var parts = path.Split('/');
        int depth = 0;
        foreach (var part in parts)
        {
            depth += part switch { "" or "." => 0, ".." => -1, _ => 1 };
            if (depth < 0)
            {
                throw new WorkspacePathException(WorkspacePathError.EscapesRoot, path, $"'{path}' climbs above the workspace with '..'; use a path inside the workspace.");
            }
        }
        return parts;
    }

    /// <summary>The workspace-relative form of an absolute symlink target that names the workspace, or null.</summary>
    private string? InsideWorkspace(string target)
    {
        foreach (var root in (ReadOnlySpan<string>)[SandboxRoot, HostRoot])
        {
            if (target == root)
            {
                return ".";
            }
            if (root.Length > 0 && target.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return target[(root.Length + 1)..];
            }
        }
        return null;
    }

    private SafeFileHandle Reopen(List<string> resolved, string path)
    {
        var dir = OpenRoot();
        foreach (var name in resolved)
        {
            int fd = WorkspaceNative.OpenAt(Fd(dir), name, WorkspaceNative.ReadOnly | WorkspaceNative.Directory | WorkspaceNative.NoFollow | WorkspaceNative.CloseOnExec, 0);
            dir.Dispose();
            if (fd < 0)
            {
                throw new WorkspacePathException(WorkspacePathError.NotADirectory, path, $"'{path}' changed while it was being resolved; try again.");
            }
            dir = new SafeFileHandle(fd, ownsHandle: true);
        }
        return dir;
    }

    private static string Join(List<string> parts) => parts.Count == 0 ? "." : string.Join('/', parts);
}
