using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>The calling thread's system-wide id, as Task Manager, ETW and debuggers show it.</summary>
[SupportedOSPlatform("windows")]
internal static partial class Kernel32
{
    /// <summary>The calling thread's id.</summary>
    [LibraryImport(Library)]
    public static partial uint GetCurrentThreadId();
}
