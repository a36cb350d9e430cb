using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using AgentOS.Interop;

namespace AgentOS.Threading;

public static partial class CpuAffinity
{
    // Start at 1,024 bits (glibc's cpu_set_t) and double on EINVAL until the buffer is as wide as the kernel's mask
    // (nr_cpu_ids bits); the width that worked is remembered. The cap only stops a runaway loop: kernels top out at
    // 8,192 CPUs.
    private const int LinuxInitialMaskBytes = 1024 / 8;
    private const int LinuxMaxMaskBytes = 1 << 20;
    private static int LinuxMaskBytes = LinuxInitialMaskBytes;

    [SupportedOSPlatform("linux")]
    private static int[] LinuxAllowedCpus()
    {
        // The main thread's set is the process's, the one /proc/self/status shows. The calling thread's set would be
        // its own pin: a pinned thread would find only its CPU allowed and could never move.
        int error = LinuxTryReadAffinity(Libc.GetPid(), Volatile.Read(ref LinuxMaskBytes), out var cpus);
        if (error == Libc.ESRCH)
        {
            // The main thread has exited (the process lives on in other threads): fall back to the caller's set.
            return LinuxReadAffinity(0);
        }
        return error == 0 ? cpus : throw LinuxReadFailed(error);
    }

    [SupportedOSPlatform("linux")]
    private static int[] LinuxReadAffinity(int pid)
    {
        int error = LinuxTryReadAffinity(pid, Volatile.Read(ref LinuxMaskBytes), out var cpus);
        return error == 0 ? cpus : throw LinuxReadFailed(error);
    }

    /// <summary>
    /// Reads the affinity of thread <paramref name="pid"/> (0: the caller) starting with a mask of
    /// <paramref name="initialBytes"/>, growing it on EINVAL; returns 0 or the errno. Internal so tests can start
    /// narrower than the kernel's mask and prove the retry.
    /// </summary>
    [SupportedOSPlatform("linux")]
    internal static unsafe int LinuxTryReadAffinity(int pid, int initialBytes, out int[] cpus)
    {
        for (int bytes = Math.Max(initialBytes, 1); bytes <= LinuxMaxMaskBytes; bytes *= 2)
        {
            var mask = new ulong[(bytes + 7) / 8];
            int result;
            fixed (ulong* words = mask)
            {
                result = Libc.SchedGetAffinity(pid, (nuint)bytes, words);
            }
            if (result == 0)
            {
                if (bytes > Volatile.Read(ref LinuxMaskBytes) && bytes % 8 == 0)
                {
                    Volatile.Write(ref LinuxMaskBytes, bytes);
                }
                cpus = CpuList.FromMask(mask);
                return 0;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINVAL)
            {
                cpus = [];
                return errno;
            }
        }
        cpus = [];
        return Libc.EINVAL;
    }

    [SupportedOSPlatform("linux")]
    private static unsafe PinResult LinuxSetAffinity(int? cpu, IReadOnlyList<int> allowed)
    {
        int highest = cpu ?? (allowed.Count > 0 ? allowed[^1] : 0);
        int words = Math.Max(Volatile.Read(ref LinuxMaskBytes) / 8, highest / 64 + 1);
        var mask = new ulong[words];
        foreach (int c in cpu is int only ? [only] : allowed)
        {
            mask[c / 64] |= 1UL << (c % 64);
        }
        int errno = 0;
        fixed (ulong* p = mask)
        {
            if (Libc.SchedSetAffinity(0, (nuint)(words * 8), p) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }
        }
        if (errno != 0)
        {
            string call = cpu is int c
                ? string.Create(CultureInfo.InvariantCulture, $"sched_setaffinity(CPU {c})")
                : $"sched_setaffinity(CPUs {CpuList.Format(allowed)})";
            return PinResult.OsError(cpu, allowed, call, errno);
        }
        return cpu is int pinned ? PinResult.Pinned(pinned, allowed) : PinResult.Unpinned(allowed);
    }

    private static AffinityException LinuxReadFailed(int errno) =>
        new(string.Create(CultureInfo.InvariantCulture, $"sched_getaffinity failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); the allowed CPU set cannot be read."));
}
