using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Mounting a size-capped tmpfs for a session's workspace, and signals. Called directly (not through <c>mount(8)</c>)
/// because a session's start is on the "ready in 50 ms" path and a process start costs a millisecond or more.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Libc
{
    /// <summary><c>MS_NOSUID | MS_NODEV</c>: a workspace never honours set-uid bits or device files.</summary>
    public const ulong MountNoSuidNoDev = 0x2 | 0x4;

    /// <summary><c>MNT_DETACH</c>: detach now, free once no process uses it (a session's stray process cannot pin it).</summary>
    public const int UnmountDetach = 0x2;

    /// <summary><c>SIGKILL</c>.</summary>
    public const int SignalKill = 9;

    /// <summary><c>SIGSTOP</c>.</summary>
    public const int SignalStop = 19;

    /// <summary><c>mount(2)</c>; 0, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    /// <summary><c>umount2(2)</c>; 0, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unmount(string target, int flags);

    /// <summary><c>kill(2)</c>; 0, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary><c>geteuid(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary><c>lchown(2)</c>: changes a file's owner without following a symlink; 0, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LChown(string path, int owner, int group);
}
