using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Pseudo-terminals for the terminal's interactive mode: the kernel holds the master, a session's program gets the
/// slave as its terminal (so <c>read -p</c>, password prompts and REPLs behave as they do for a person). Read and
/// write are called directly on the master's descriptor because a pty master is neither a file nor a socket, and its
/// end is an <c>EIO</c> that <see cref="System.IO.FileStream"/> would turn into an exception on a thread-pool thread.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Libc
{
    /// <summary><c>O_RDWR | O_NOCTTY | O_CLOEXEC</c>: the master never becomes the kernel's terminal, and no child the
    /// kernel starts inherits it.</summary>
    public const int PtyMasterFlags = 0x2 | 0x100 | 0x80000;

    /// <summary><c>EINTR</c>.</summary>
    public const int ErrorInterrupted = 4;

    /// <summary><c>posix_openpt(3)</c>: a new master descriptor, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    /// <summary><c>grantpt(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    /// <summary><c>unlockpt(3)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    /// <summary><c>ptsname_r(3)</c>: the slave's path into <paramref name="buffer"/>; 0 or an error number.</summary>
    [LibraryImport(Library, EntryPoint = "ptsname_r")]
    public static unsafe partial int PtsNameR(int fd, byte* buffer, nuint length);

    /// <summary><c>read(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary><c>write(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);
}
