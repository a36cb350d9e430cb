namespace AgentOS.Threading;

/// <summary>
/// Per-thread CPU affinity: the CPUs this process may run on, and pinning the calling thread to one of them.
/// </summary>
/// <remarks>
/// <para><b>Linux</b>: <c>sched_getaffinity</c>/<c>sched_setaffinity</c> with masks as wide as the kernel's, so any
/// number of CPUs works. The allowed set is what the container, cgroup cpuset or <c>taskset</c> leaves the process
/// (often not <c>0..ProcessorCount-1</c>); pins are checked against it first.</para>
/// <para><b>Windows</b>: group-aware <c>SetThreadGroupAffinity</c> on the calling thread only, never the process mask.
/// A CPU number is <c>group × 64 + processor index within the group</c>, so numbers are exact on machines with more
/// than 64 logical processors (and may have gaps between groups).</para>
/// <para><b>macOS and other OSes</b>: <see cref="IsSupported"/> is <see langword="false"/> and pins report
/// <see cref="PinStatus.NotSupported"/>: macOS's thread affinity policy is only a hint to keep threads together, not a
/// pin, and AgentOS does not pretend otherwise.</para>
/// <para>Pinning changes only the calling thread. On Linux a thread starts with the affinity of the thread that
/// created it, which is why <see cref="PinnedThread"/> sets its own affinity, pinned or not, as its first act.</para>
/// </remarks>
public static partial class CpuAffinity
{
    /// <summary>Whether this OS lets AgentOS pin a thread to a CPU: Linux and Windows yes, macOS and others no.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>
    /// The CPUs this process may run on, ascending, as read from the OS now. Linux: the process's set (its main
    /// thread's, the set <c>/proc/self/status</c> shows as <c>Cpus_allowed_list</c>), so a pinned caller still sees
    /// every CPU it may move to. Windows: the process's mask when it is confined to one processor group, otherwise
    /// every active processor of every group. Elsewhere: every logical processor, since there is no set to read.
    /// </summary>
    /// <exception cref="AffinityException">The OS would not report the set.</exception>
    public static IReadOnlyList<int> AllowedCpus()
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxAllowedCpus();
        }
        if (OperatingSystem.IsWindows())
        {
            return WindowsAllowedCpus();
        }
        return EveryLogicalProcessor();
    }

    /// <summary>
    /// The CPUs the calling thread may run on now, ascending: its pin, or the allowed set when unpinned. On Windows,
    /// the processors of the thread's current group only (a thread runs in one group at a time).
    /// </summary>
    /// <exception cref="AffinityException">The OS would not report the thread's affinity.</exception>
    public static IReadOnlyList<int> ReadCurrentThreadAffinity()
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxReadAffinity(0);
        }
        if (OperatingSystem.IsWindows())
        {
            return WindowsReadCurrentThreadAffinity();
        }
        return EveryLogicalProcessor();
    }

    /// <summary>
    /// Pins the calling thread to <paramref name="cpu"/>. Does not throw for the expected failures: the result says
    /// whether it worked and otherwise why (not supported on this OS, a CPU outside the allowed set — named in the
    /// message — or the OS error code). On failure the thread's affinity is unchanged.
    /// </summary>
    /// <param name="cpu">A CPU from <see cref="AllowedCpus"/>.</param>
    public static PinResult TryPinCurrentThread(int cpu)
    {
        if (!IsSupported)
        {
            return PinResult.NotSupported(cpu, NotSupportedReason());
        }
        var allowed = AllowedCpus();
        if (!allowed.Contains(cpu))
        {
            return PinResult.OutsideAllowedSet(cpu, allowed);
        }
        return SetCurrentThreadAffinity(cpu, allowed);
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>, for callers that cannot run unpinned.</summary>
    /// <param name="cpu">A CPU from <see cref="AllowedCpus"/>.</param>
    /// <exception cref="AffinityException">The pin failed; <see cref="AffinityException.Result"/> says why.</exception>
    public static void PinCurrentThread(int cpu)
    {
        var result = TryPinCurrentThread(cpu);
        if (!result.Succeeded)
        {
            throw new AffinityException(result);
        }
    }

    /// <summary>
    /// Lets the calling thread run on every allowed CPU again (on Windows: every allowed processor of its current
    /// group). Like <see cref="TryPinCurrentThread"/>, reports failure in the result rather than throwing.
    /// </summary>
    public static PinResult TryUnpinCurrentThread()
    {
        if (!IsSupported)
        {
            return PinResult.NotSupported(null, NotSupportedReason());
        }
        return SetCurrentThreadAffinity(null, AllowedCpus());
    }

    /// <summary>How this OS pins threads, or why it cannot; one line for the <c>cpus</c> command.</summary>
    internal static string DescribePinning()
    {
        if (OperatingSystem.IsLinux())
        {
            return "supported: sched_setaffinity on each thread, within the allowed set";
        }
        if (OperatingSystem.IsWindows())
        {
            return "supported: SetThreadGroupAffinity on each thread; CPU number = group * 64 + index in the group";
        }
        return "not supported: " + NotSupportedReason();
    }

    private static PinResult SetCurrentThreadAffinity(int? cpu, IReadOnlyList<int> allowed)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxSetAffinity(cpu, allowed);
        }
        if (OperatingSystem.IsWindows())
        {
            return WindowsSetAffinity(cpu, allowed);
        }
        return PinResult.NotSupported(cpu, NotSupportedReason());
    }
}
