using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AgentOS.Interop;

/// <summary>
/// Windows processor-group-aware thread affinity (Windows 7+). A machine with more than 64 logical processors splits
/// them into groups of at most 64; a thread runs in exactly one group, so its affinity is a (group, 64-bit mask) pair
/// set per thread with <c>SetThreadGroupAffinity</c>. The process-wide mask (<c>SetProcessAffinityMask</c>) is never
/// used: it would move every thread of the host, and it sees only one group.
/// </summary>
/// <remarks>Compiled on every OS; callable only on Windows. Not exercised by the Linux test run.</remarks>
[SupportedOSPlatform("windows")]
internal static unsafe partial class Kernel32
{
    private const string Library = "kernel32.dll";

    /// <summary><c>ALL_PROCESSOR_GROUPS</c>: asks <c>GetActiveProcessorCount</c> for the total over every group.</summary>
    public const ushort AllProcessorGroups = 0xFFFF;

    /// <summary><c>GROUP_AFFINITY</c>: a processor group and a mask of processors within it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GroupAffinity
    {
        /// <summary><c>KAFFINITY</c>: pointer-sized; bit <c>n</c> is processor <c>n</c> of the group.</summary>
        public nuint Mask;

        /// <summary>The processor group number.</summary>
        public ushort Group;

        // WORD Reserved[3]: must be zero on input.
        private ushort _reserved0;
        private ushort _reserved1;
        private ushort _reserved2;
    }

    /// <summary>A pseudo-handle for the calling thread (needs no closing).</summary>
    [LibraryImport(Library)]
    public static partial nint GetCurrentThread();

    /// <summary>A pseudo-handle for the calling process (needs no closing).</summary>
    [LibraryImport(Library)]
    public static partial nint GetCurrentProcess();

    /// <summary>Moves the thread into <paramref name="affinity"/>'s group, restricted to its mask; nonzero on success.</summary>
    [LibraryImport(Library, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetThreadGroupAffinity(nint thread, in GroupAffinity affinity, out GroupAffinity previous);

    /// <summary>The thread's group and its mask within that group.</summary>
    [LibraryImport(Library, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GetThreadGroupAffinity(nint thread, out GroupAffinity affinity);

    /// <summary>How many processor groups hold active processors.</summary>
    [LibraryImport(Library)]
    public static partial ushort GetActiveProcessorGroupCount();

    /// <summary>Active processors in <paramref name="group"/> (or in all, with <see cref="AllProcessorGroups"/>); 0 on error.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial uint GetActiveProcessorCount(ushort group);

    /// <summary>
    /// The process's mask and the system's mask. Meaningful only for a process confined to one group: for a process
    /// whose threads span groups both masks come back zero.
    /// </summary>
    [LibraryImport(Library, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GetProcessAffinityMask(nint process, out nuint processMask, out nuint systemMask);

    /// <summary>
    /// The groups the process's threads may run in. <paramref name="groupCount"/> is the capacity of
    /// <paramref name="groups"/> on input and the number written on output; fails with ERROR_INSUFFICIENT_BUFFER when
    /// too small.
    /// </summary>
    [LibraryImport(Library, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GetProcessGroupAffinity(nint process, ref ushort groupCount, ushort* groups);
}
