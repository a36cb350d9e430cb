using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Computer.Documents;

/// <summary>
/// The *at(2) calls that resolve a workspace path one component at a time from a directory descriptor, so that no
/// symlink is ever followed by the kernel on our behalf (.NET opens by whole path only). Flag values differ between
/// x86-64 and the asm-generic architectures (arm64) for O_DIRECTORY and O_NOFOLLOW, hence the properties.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class WorkspaceNative
{
    private const string Library = "libc";

    public const int ReadOnly = 0x0;
    public const int WriteOnly = 0x1;
    public const int Create = 0x40;
    public const int Truncate = 0x200;
    public const int Append = 0x400;
    public const int NonBlock = 0x800;
    public const int CloseOnExec = 0x80000;

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ELOOP = 40;
    public const int EPERM = 1;
    public const int ENXIO = 6;

    private static readonly bool Generic = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm or Architecture.LoongArch64 or Architecture.RiscV64;

    public static int Directory => Generic ? 0x4000 : 0x10000;

    public static int NoFollow => Generic ? 0x8000 : 0x20000;

    /// <summary>The pseudo descriptor meaning "the current directory" for a relative path (only used for the root).</summary>
    public const int AtCwd = -100;

    [LibraryImport(Library, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkDirAt(int dirFd, string path, int mode);

    [LibraryImport(Library, EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial nint ReadLinkAt(int dirFd, string path, byte* buffer, nuint size);

    [LibraryImport(Library, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Seek(int fd, long offset, int whence);

    /// <summary>The target of the symlink <paramref name="name"/> in the directory, or null when it is not a symlink.</summary>
    public static unsafe string? ReadLink(int dirFd, string name)
    {
        Span<byte> buffer = stackalloc byte[4096];
        fixed (byte* p = buffer)
        {
            nint length = ReadLinkAt(dirFd, name, p, (nuint)buffer.Length);
            return length < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer[..(int)length]);
        }
    }
}
