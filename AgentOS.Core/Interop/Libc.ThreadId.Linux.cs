using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// The calling thread's kernel id (the <c>tid</c> that names it in <c>/proc/self/task</c>): glibc 2.30+ and musl export
/// <c>gettid</c>; older C libraries only have the raw system call, whose number differs per architecture.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class Libc
{
    private static bool NoGettidExport;

    /// <summary>The calling thread's kernel thread id.</summary>
    public static int GetTid()
    {
        if (!Volatile.Read(ref NoGettidExport))
        {
            try
            {
                return GetTidExport();
            }
            catch (EntryPointNotFoundException)
            {
                Volatile.Write(ref NoGettidExport, true);
            }
        }
        return (int)Syscall(SysGettid());
    }

    private static nint SysGettid() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 186,
        Architecture.Arm64 or Architecture.LoongArch64 or Architecture.RiscV64 => 178,
        Architecture.X86 or Architecture.Arm => 224,
        Architecture.S390x => 236,
        Architecture.Ppc64le => 207,
        var other => throw new PlatformNotSupportedException($"gettid: this C library has no gettid export and the system call number for {other} is not known to AgentOS."),
    };

    [LibraryImport(Library, EntryPoint = "gettid")]
    private static partial int GetTidExport();

    [LibraryImport(Library, EntryPoint = "syscall")]
    private static partial nint Syscall(nint number);
}
