using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Linux CPU affinity from glibc or musl: <c>sched_getaffinity(2)</c> and <c>sched_setaffinity(2)</c>. A pid of 0 means
/// the calling thread (affinity is per thread on Linux); the process's own pid means its main thread.
/// </summary>
/// <remarks>
/// The masks are arrays of 64-bit words, bit <c>n</c> of word <c>n / 64</c> standing for CPU <c>n</c>, as wide as the
/// kernel's own mask (<c>nr_cpu_ids</c> bits): the glibc <c>cpu_set_t</c> stops at 1,024 CPUs, and a buffer narrower
/// than the kernel's fails with <c>EINVAL</c>, so callers grow the buffer and retry.
/// </remarks>
[SupportedOSPlatform("linux")]
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary><c>EINVAL</c>: the mask buffer is narrower than the kernel's, or the mask holds no usable CPU.</summary>
    public const int EINVAL = 22;

    /// <summary><c>ESRCH</c>: no such thread (for example a main thread that has already exited).</summary>
    public const int ESRCH = 3;

    /// <summary>Fills <paramref name="mask"/> (<paramref name="maskBytes"/> bytes) with the thread's CPUs; 0 on success, -1 and errno otherwise.</summary>
    [LibraryImport(Library, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint maskBytes, ulong* mask);

    /// <summary>Restricts the thread to the CPUs set in <paramref name="mask"/>; 0 on success, -1 and errno otherwise.</summary>
    [LibraryImport(Library, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint maskBytes, ulong* mask);

    /// <summary>The process id, which is also its main thread's id.</summary>
    [LibraryImport(Library, EntryPoint = "getpid")]
    public static partial int GetPid();
}
