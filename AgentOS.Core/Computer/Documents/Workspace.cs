using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace AgentOS.Computer.Documents;

/// <summary>
/// A session's workspace as the kernel reaches it: every path is workspace-relative and resolved one component at a
/// time with <c>openat(O_NOFOLLOW)</c> from a descriptor of the root, so a symlink is only ever followed by this code,
/// which maps its target back into the workspace or refuses it. Nothing is checked first and used later: a symlink
/// planted between two calls (or during one) is met by the open itself. Linux only.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed partial class Workspace
{
    private const int MaxLinks = 40;

    public Workspace(string hostRoot, string sandboxRoot)
    {
        HostRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostRoot));
        SandboxRoot = Path.TrimEndingDirectorySeparator(sandboxRoot);
    }

    /// <summary>The workspace as the kernel sees it.</summary>
    public string HostRoot { get; }

    /// <summary>The workspace as the session's processes see it (their absolute symlinks point here).</summary>
    public string SandboxRoot { get; }

    /// <summary>The workspace of a session.</summary>
    public static Workspace Of(ISessionHost host) => new(host.WorkspaceHostPath, host.WorkspaceSandboxPath);

    /// <summary>Opens a regular file for reading (non-blocking, so a planted FIFO cannot hang the kernel).</summary>
    public (SafeFileHandle Handle, string Path) OpenRead(string path)
    {
        var (handle, resolved) = Resolve(path, WorkspaceNative.ReadOnly | WorkspaceNative.NonBlock, createDirectories: false, directory: false);
        return (EnsureRegular(handle, path), resolved);
    }

    /// <summary>Creates or replaces (or appends to) a regular file, creating missing folders on the way when asked.</summary>
    public (SafeFileHandle Handle, string Path) OpenWrite(string path, bool append, bool createDirectories)
    {
        int flags = WorkspaceNative.WriteOnly | WorkspaceNative.Create | WorkspaceNative.NonBlock | (append ? WorkspaceNative.Append : WorkspaceNative.Truncate);
        var (handle, resolved) = Resolve(path, flags, createDirectories, directory: false);
        return (EnsureRegular(handle, path), resolved);
    }

    /// <summary>Opens a directory (the root for <c>"."</c> or an empty path).</summary>
    public (SafeFileHandle Handle, string Path) OpenDirectory(string path) =>
        Resolve(path, WorkspaceNative.ReadOnly | WorkspaceNative.Directory, createDirectories: false, directory: true);

    /// <summary>Reads a whole file, refusing one larger than <paramref name="maxBytes"/>.</summary>
    public (byte[] Bytes, string Path) ReadAllBytes(string path, long maxBytes)
    {
        var (handle, resolved) = OpenRead(path);
        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (length > maxBytes)
            {
                throw new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' is {length} bytes, more than the {maxBytes} this operation reads; read a range instead.");
            }
            var bytes = new byte[length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            return (read == bytes.Length ? bytes : bytes[..read], resolved);
        }
    }

    private static SafeFileHandle EnsureRegular(SafeFileHandle handle, string path)
    {
        // A FIFO or socket cannot seek; refusing them keeps a planted pipe from blocking reads. (Devices cannot be
        // created in a workspace: mknod needs a capability sessions do not have.)
        if (WorkspaceNative.Seek(Fd(handle), 0, 1) < 0)
        {
            handle.Dispose();
            throw new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' is not a regular file (a pipe, socket or device).");
        }
        // O_RDONLY opens a folder too; a folder is the one thing "." can be opened in.
        int self = WorkspaceNative.OpenAt(Fd(handle), ".", WorkspaceNative.ReadOnly | WorkspaceNative.Directory | WorkspaceNative.CloseOnExec, 0);
        if (self >= 0)
        {
            Interop.Libc.Close(self);
            handle.Dispose();
            throw new WorkspacePathException(WorkspacePathError.NotAFile, path, $"'{path}' names a folder; give a file's path.");
        }
        return handle;
    }

    private SafeFileHandle OpenRoot()
    {
        int fd = WorkspaceNative.OpenAt(WorkspaceNative.AtCwd, HostRoot, WorkspaceNative.ReadOnly | WorkspaceNative.Directory | WorkspaceNative.CloseOnExec, 0);
        if (fd < 0)
        {
            throw new DirectoryNotFoundException($"The workspace folder '{HostRoot}' cannot be opened (errno {Marshal.GetLastPInvokeError()}); the session may have been destroyed.");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    internal static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
