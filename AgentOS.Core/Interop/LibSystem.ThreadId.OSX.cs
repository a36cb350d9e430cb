using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// The calling thread's system-wide 64-bit id on macOS (<c>pthread_threadid_np</c>), as Instruments and lldb show it.
/// macOS has no call to pin a thread (its affinity policy is a grouping hint), so this is the only macOS thread call.
/// </summary>
[SupportedOSPlatform("macos")]
internal static partial class LibSystem
{
    private const string Library = "libSystem.dylib";

    /// <summary>Writes the id of <paramref name="thread"/> (0: the calling thread) to <paramref name="id"/>; 0 on success.</summary>
    [LibraryImport(Library, EntryPoint = "pthread_threadid_np")]
    public static partial int PthreadThreadIdNp(nint thread, out ulong id);
}
