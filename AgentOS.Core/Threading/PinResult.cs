using System.Globalization;
using System.Runtime.InteropServices;

namespace AgentOS.Threading;

/// <summary>
/// The outcome of <see cref="CpuAffinity.TryPinCurrentThread"/> or <see cref="CpuAffinity.TryUnpinCurrentThread"/>:
/// whether it worked and, if not, why, in a <see cref="Message"/> that says what to do.
/// </summary>
public sealed class PinResult
{
    private PinResult(PinStatus status, int? cpu, IReadOnlyList<int> allowedCpus, int errorCode, string message)
    {
        Status = status;
        Cpu = cpu;
        AllowedCpus = allowedCpus;
        ErrorCode = errorCode;
        Message = message;
    }

    /// <summary>What happened.</summary>
    public PinStatus Status { get; }

    /// <summary>Whether the thread's affinity is now what was asked for (<see cref="PinStatus.Pinned"/> or <see cref="PinStatus.Unpinned"/>).</summary>
    public bool Succeeded => Status is PinStatus.Pinned or PinStatus.Unpinned;

    /// <summary>The requested CPU, or <see langword="null"/> for an unpin.</summary>
    public int? Cpu { get; }

    /// <summary>The process's allowed CPU set as read before the attempt (empty where it was not read).</summary>
    public IReadOnlyList<int> AllowedCpus { get; }

    /// <summary>For <see cref="PinStatus.OsError"/>: errno on Linux, GetLastError on Windows; otherwise 0.</summary>
    public int ErrorCode { get; }

    /// <summary>A sentence for logs and exceptions, naming the CPU, the allowed set or the OS error.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Message;

    internal static PinResult Pinned(int cpu, IReadOnlyList<int> allowed) =>
        new(PinStatus.Pinned, cpu, allowed, 0, string.Create(CultureInfo.InvariantCulture, $"pinned to CPU {cpu}"));

    internal static PinResult Unpinned(IReadOnlyList<int> allowed) =>
        new(PinStatus.Unpinned, null, allowed, 0, $"unpinned: may run on every allowed CPU ({CpuList.Format(allowed)})");

    internal static PinResult NotSupported(int? cpu, string reason) =>
        new(PinStatus.NotSupported, cpu, [], 0, reason);

    internal static PinResult OutsideAllowedSet(int cpu, IReadOnlyList<int> allowed) =>
        new(PinStatus.OutsideAllowedSet, cpu, allowed, 0, string.Create(CultureInfo.InvariantCulture,
            $"CPU {cpu} is outside this process's allowed CPU set {CpuList.Format(allowed)} (the container, cgroup cpuset or taskset decides it); pin to one of those CPUs. The thread's affinity is unchanged."));

    internal static PinResult OsError(int? cpu, IReadOnlyList<int> allowed, string call, int errorCode) =>
        new(PinStatus.OsError, cpu, allowed, errorCode, string.Create(CultureInfo.InvariantCulture,
            $"{call} failed with error {errorCode} ({Marshal.GetPInvokeErrorMessage(errorCode)}); the thread's affinity is unchanged. Allowed CPUs: {CpuList.Format(allowed)}."));
}
