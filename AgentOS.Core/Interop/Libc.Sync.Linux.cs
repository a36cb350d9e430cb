using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Durability calls .NET does not expose: <c>fdatasync(2)</c> (data plus the metadata needed to read it back, such as
/// the size of an appended file, without the inode's timestamps that <c>fsync</c> also writes) and <c>fsync(2)</c> on
/// a directory, which makes a file's creation, deletion or rename durable.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Libc
{
    /// <summary><c>O_RDONLY | O_DIRECTORY | O_CLOEXEC</c> on Linux (all architectures .NET runs on).</summary>
    public const int OpenDirectoryFlags = 0x10000 | 0x80000;

    /// <summary>Flushes a file's data (and the metadata needed to read it) to the device; 0 on success, -1 and errno otherwise.</summary>
    [LibraryImport(Library, EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(nint fd);

    /// <summary>Flushes a file or directory to the device; 0 on success, -1 and errno otherwise.</summary>
    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    /// <summary>Opens a path; a descriptor, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary>Closes a descriptor.</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
