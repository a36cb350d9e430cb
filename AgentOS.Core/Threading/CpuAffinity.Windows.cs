using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using AgentOS.Interop;

namespace AgentOS.Threading;

// UNTESTED: no Windows machine runs the test suite yet. Compiled on every OS; called only behind OperatingSystem.IsWindows().
public static partial class CpuAffinity
{
    private const int CpuNumbersPerGroup = 64;

    [SupportedOSPlatform("windows")]
    private static unsafe int[] WindowsAllowedCpus()
    {
        nint process = Kernel32.GetCurrentProcess();
        ushort groupCount = 1;
        ushort group = 0;
        // A process confined to one group (the default before Windows 11, and any process started with an affinity
        // mask or in a job that sets one) reports its mask; for a process spanning groups the call fails for want of
        // buffer (more than one group) and every active processor of every group is allowed. On Windows 11, a process
        // whose threads have not yet left its primary group reads as confined to it: an undercount, never a CPU the
        // process may not use.
        if (Kernel32.GetProcessGroupAffinity(process, ref groupCount, &group) && groupCount == 1
            && Kernel32.GetProcessAffinityMask(process, out nuint processMask, out _) && processMask != 0)
        {
            return CpuList.FromMask([processMask & ActiveProcessorMask(group)], group * CpuNumbersPerGroup);
        }
        var cpus = new List<int>();
        ushort groups = Kernel32.GetActiveProcessorGroupCount();
        for (ushort g = 0; g < groups; g++)
        {
            cpus.AddRange(CpuList.FromMask([ActiveProcessorMask(g)], g * CpuNumbersPerGroup));
        }
        return [.. cpus];
    }

    [SupportedOSPlatform("windows")]
    private static int[] WindowsReadCurrentThreadAffinity()
    {
        if (!Kernel32.GetThreadGroupAffinity(Kernel32.GetCurrentThread(), out var affinity))
        {
            int error = Marshal.GetLastPInvokeError();
            throw new AffinityException(string.Create(CultureInfo.InvariantCulture,
                $"GetThreadGroupAffinity failed with error {error} ({Marshal.GetPInvokeErrorMessage(error)})."));
        }
        return CpuList.FromMask([affinity.Mask], affinity.Group * CpuNumbersPerGroup);
    }

    [SupportedOSPlatform("windows")]
    private static PinResult WindowsSetAffinity(int? cpu, IReadOnlyList<int> allowed)
    {
        nint thread = Kernel32.GetCurrentThread();
        var target = default(Kernel32.GroupAffinity);
        if (cpu is int pin)
        {
            target.Group = (ushort)(pin / CpuNumbersPerGroup);
            target.Mask = (nuint)1 << (pin % CpuNumbersPerGroup);
        }
        else
        {
            // A thread runs in one group at a time: unpinning widens it to every allowed processor of its current
            // group, or of the first allowed group when its current group has none.
            if (!Kernel32.GetThreadGroupAffinity(thread, out var current))
            {
                return PinResult.OsError(null, allowed, "GetThreadGroupAffinity", Marshal.GetLastPInvokeError());
            }
            target.Group = GroupMask(allowed, current.Group) != 0 || allowed.Count == 0
                ? current.Group
                : (ushort)(allowed[0] / CpuNumbersPerGroup);
            target.Mask = GroupMask(allowed, target.Group);
        }
        if (!Kernel32.SetThreadGroupAffinity(thread, in target, out _))
        {
            int error = Marshal.GetLastPInvokeError();
            return PinResult.OsError(cpu, allowed,
                string.Create(CultureInfo.InvariantCulture, $"SetThreadGroupAffinity(group {target.Group}, mask 0x{(ulong)target.Mask:x})"),
                error);
        }
        return cpu is int pinned ? PinResult.Pinned(pinned, allowed) : PinResult.Unpinned(allowed);
    }

    // Assumes a group's active processors hold its lowest bits, which is how Windows numbers them.
    [SupportedOSPlatform("windows")]
    private static nuint ActiveProcessorMask(ushort group)
    {
        uint count = Kernel32.GetActiveProcessorCount(group);
        int width = nint.Size * 8;
        return count >= width ? nuint.MaxValue : ((nuint)1 << (int)count) - 1;
    }

    // The processors of one group in a set of CPU numbers, as that group's KAFFINITY (pure; tested on every OS).
    internal static nuint GroupMask(IReadOnlyList<int> cpus, int group)
    {
        nuint mask = 0;
        foreach (int cpu in cpus)
        {
            if (cpu / CpuNumbersPerGroup == group)
            {
                mask |= (nuint)1 << (cpu % CpuNumbersPerGroup);
            }
        }
        return mask;
    }
}
