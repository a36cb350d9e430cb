using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using AgentOS.Interop;

namespace AgentOS.Computer.Sandbox;

/// <summary>Workspace folders on the host: the 0711 root, and one size-capped tmpfs per session (0700, owned by the
/// session's uid), mounted and detached directly through libc.</summary>
[SupportedOSPlatform("linux")]
internal static partial class WorkspaceMount
{
    /// <summary>Creates <paramref name="root"/> (and its parent) as 0711 folders; refuses one that is a symlink.</summary>
    public static void PrepareRoot(string root)
    {
        foreach (var dir in new[] { Path.GetDirectoryName(root)!, root })
        {
            var info = new DirectoryInfo(dir);
            if (info.Exists && info.LinkTarget is not null)
            {
                throw new SandboxUnavailableException($"The workspace root '{dir}' is a symlink: a symlink there could redirect sessions' workspaces; remove it or choose another computer.workspace_root.");
            }
            if (!info.Exists)
            {
                Directory.CreateDirectory(dir);
            }
        }
        // Traversable by sessions' uids (bubblewrap resolves each bind as the session's uid), listable by no one else.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    /// <summary>Checks a session id can name a folder: letters, digits and '-' only.</summary>
    public static void ValidateName(string sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 64 || !SafeName().IsMatch(sessionId))
        {
            throw new ArgumentException($"'{sessionId}' is not a valid session id (1 to 64 letters, digits or '-').", nameof(sessionId));
        }
    }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> at <paramref name="path"/>, mode 0700, owned by <paramref name="uid"/>.</summary>
    public static void MountTmpfs(string path, long bytes, int uid)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string options = string.Create(CultureInfo.InvariantCulture, $"size={bytes},mode=0700,uid={uid},gid={uid}");
        if (Libc.Mount("agentos-workspace", path, "tmpfs", Libc.MountNoSuidNoDev, options) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Directory.Delete(path);
            throw new SandboxUnavailableException($"Mounting the workspace tmpfs at '{path}' failed (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}): the kernel needs CAP_SYS_ADMIN (run it as root, in a container started without a seccomp/AppArmor profile that forbids mount).");
        }
    }

    /// <summary>Detaches the tmpfs at <paramref name="path"/> and removes the folder.</summary>
    public static void Unmount(string path)
    {
        Libc.Unmount(path, Libc.UnmountDetach);
        try
        {
            Directory.Delete(path, recursive: false);
        }
        catch (IOException)
        {
            // not empty: it was not a mount (a failed mount already removed its folder); leave it for the operator
        }
    }

    /// <summary>Detaches every mount under <paramref name="root"/> (left by a kernel that crashed) and removes its folder.</summary>
    public static void DetachStale(string root)
    {
        string prefix = root.TrimEnd('/') + "/";
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            return;
        }
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length > 4)
            {
                var mountPoint = Unescape(fields[4]);
                if (mountPoint.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Unmount(mountPoint);
                }
            }
        }
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field) =>
        OctalEscape().Replace(field, m => ((char)Convert.ToInt32(m.Value[1..], 8)).ToString());

    [GeneratedRegex("^[A-Za-z0-9-]+$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"\\[0-7]{3}")]
    private static partial Regex OctalEscape();
}
