using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Named pipes for the browser's DevTools pipe: Chromium reads commands on descriptor 3 and writes replies on 4, and
/// .NET's <see cref="System.Diagnostics.Process"/> cannot hand a child extra descriptors, so a shell opens two FIFOs
/// onto 3 and 4 just before it execs the browser. FIFOs (unlike inheritable anonymous pipes) reach only that child:
/// another process the kernel starts at the same moment inherits nothing.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Libc
{
    /// <summary><c>mkfifo(3)</c>: 0, or -1 and errno.</summary>
    [LibraryImport(Library, EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkFifo(string path, uint mode);
}
