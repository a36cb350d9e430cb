namespace AgentOS.Threading;

/// <summary>How a <see cref="PinnedThreadPool"/> is shaped: its name, how many workers, and which CPUs they pin to.</summary>
public sealed class PinnedThreadPoolOptions
{
    /// <summary>The pool's name; worker <c>i</c> is the thread <c>{Name}-{i}</c>. Keep it under 13 characters so
    /// Linux's 15-character thread names keep the index. Default <c>agentos-pool</c>.</summary>
    public string Name { get; init; } = "agentos-pool";

    /// <summary>The CPUs to pin workers to, worker <c>i</c> to <c>Cpus[i % Cpus.Count]</c>; default
    /// <see cref="CpuAffinity.AllowedCpus"/>. Each should be in the allowed set: a CPU outside it fails that worker's
    /// pin (see <see cref="RequirePinning"/>).</summary>
    public IReadOnlyList<int>? Cpus { get; init; }

    /// <summary>How many workers; default one per CPU in <see cref="Cpus"/>.</summary>
    public int? WorkerCount { get; init; }

    /// <summary>Whether workers pin themselves to their CPU (default true); false leaves them free to run on any
    /// allowed CPU.</summary>
    public bool Pin { get; init; } = true;

    /// <summary>Whether a worker that cannot pin (unsupported OS, CPU outside the allowed set, OS error) makes the
    /// constructor throw <see cref="AffinityException"/> (default false: the worker runs unpinned and its
    /// <see cref="PinnedThread.PinResult"/> says why).</summary>
    public bool RequirePinning { get; init; }

    /// <summary>Where a failing work item is written when no <see cref="PinnedThreadPool.WorkItemFailed"/> handler is
    /// attached, or when the handler itself throws; default stderr. Written from worker threads, so it must be
    /// thread-safe (<see cref="TextWriter.Synchronized"/>).</summary>
    public TextWriter? FailureLog { get; init; }

    /// <summary>Whether workers are background threads, which do not keep the process alive (default true).</summary>
    public bool IsBackground { get; init; } = true;
}
