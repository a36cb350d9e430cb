using System.Runtime.InteropServices;

namespace AgentOS.Threading;

// macOS and every OS other than Linux and Windows: nothing to call. macOS's THREAD_AFFINITY_POLICY only tags threads
// that should share a cache; the scheduler may ignore it (and Apple silicon does), so it is not a pin.
public static partial class CpuAffinity
{
    private static string NotSupportedReason() => OperatingSystem.IsMacOS()
        ? "CPU pinning is not supported on macOS: its thread affinity policy is only a scheduling hint, not a pin. The thread runs unpinned."
        : $"CPU pinning is not supported on {RuntimeInformation.OSDescription}: AgentOS pins threads on Linux and Windows only. The thread runs unpinned.";

    // No per-thread CPU set exists to read, so every logical processor is eligible.
    private static int[] EveryLogicalProcessor() => [.. Enumerable.Range(0, Environment.ProcessorCount)];
}
