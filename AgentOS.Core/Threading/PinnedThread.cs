namespace AgentOS.Threading;

/// <summary>
/// A raw, named <see cref="Thread"/> that sets its own CPU affinity as its first act — pinned to one CPU, or
/// unpinned to the whole allowed set — records how that went in <see cref="PinResult"/>, then runs its body. The
/// kernel's dispatcher threads and the workers of <see cref="PinnedThreadPool"/> are pinned threads.
/// </summary>
/// <remarks>
/// <see cref="Start"/> returns once the thread has set its affinity, so <see cref="PinResult"/> and
/// <see cref="OsThreadId"/> are ready to read; the body runs after that. A failed pin does not stop the body (check
/// <see cref="PinResult"/> from the body when pinning is required). An exception escaping the body is unhandled, as on
/// any <see cref="Thread"/>, and ends the process: a dispatcher that died quietly would hang every caller. The thread
/// does not inherit its creator's <see cref="ExecutionContext"/> (AsyncLocal values, <c>Activity.Current</c>): a
/// long-lived kernel thread must not carry one caller's ambient state into all the work it runs.
/// </remarks>
public sealed class PinnedThread
{
    private readonly Thread _thread;
    private readonly Action<PinnedThread> _body;
    private readonly object _startGate = new();
    private bool _affinitySet;
    private PinResult? _pinResult;
    private long _osThreadId;

    private PinnedThread(string name, int? cpu, Action<PinnedThread> body, bool isBackground)
    {
        Name = name;
        Cpu = cpu;
        IsBackground = isBackground;
        _body = body;
        _thread = new Thread(Run) { Name = name, IsBackground = isBackground };
    }

    /// <summary>The thread's name (Linux shows its first 15 characters in <c>/proc/self/task/&lt;tid&gt;/comm</c>).</summary>
    public string Name { get; }

    /// <summary>The CPU the thread pins itself to, or <see langword="null"/> to run on any allowed CPU.</summary>
    public int? Cpu { get; }

    /// <summary>How setting the thread's affinity went (a pin to <see cref="Cpu"/>, or an unpin when it is null).</summary>
    public PinResult PinResult => _pinResult!;

    /// <summary>Whether the thread runs on exactly <see cref="Cpu"/>.</summary>
    public bool IsPinned => PinResult.Status == PinStatus.Pinned;

    /// <summary>
    /// The OS's id for the thread: the Linux tid (as in <c>/proc/self/task/&lt;tid&gt;</c>), the Windows thread id,
    /// the macOS 64-bit thread id; -1 elsewhere.
    /// </summary>
    public long OsThreadId => _osThreadId;

    /// <summary>Whether the thread is a background thread (one that does not keep the process alive).</summary>
    public bool IsBackground { get; }

    /// <summary>Whether the thread has not yet finished its body.</summary>
    public bool IsAlive => _thread.IsAlive;

    /// <summary>Whether the caller is this thread.</summary>
    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    /// <summary>
    /// Starts a thread named <paramref name="name"/> that pins itself to <paramref name="cpu"/> (or, when null, lets
    /// itself run on every allowed CPU, whatever its creator's affinity) and then runs <paramref name="body"/> with
    /// itself as the argument. Returns once the affinity is set.
    /// </summary>
    /// <param name="name">The thread's name; not empty.</param>
    /// <param name="cpu">A CPU from <see cref="CpuAffinity.AllowedCpus"/>, or <see langword="null"/> for none.</param>
    /// <param name="body">The thread's work; it usually loops until told to stop.</param>
    /// <param name="isBackground">Whether the thread lets the process exit while it runs (default true).</param>
    public static PinnedThread Start(string name, int? cpu, Action<PinnedThread> body, bool isBackground = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        var thread = new PinnedThread(name, cpu, body, isBackground);
        thread._thread.UnsafeStart();
        lock (thread._startGate)
        {
            while (!thread._affinitySet)
            {
                Monitor.Wait(thread._startGate);
            }
        }
        return thread;
    }

    /// <summary>Blocks until the thread has finished its body.</summary>
    public void Join() => _thread.Join();

    /// <summary>Blocks until the thread has finished its body or <paramref name="timeout"/> has passed.</summary>
    /// <returns>Whether the thread finished.</returns>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <inheritdoc />
    public override string ToString() => $"{Name} (tid {OsThreadId}, {PinResult?.Message ?? "starting"})";

    private void Run()
    {
        _osThreadId = OsThread.CurrentId();
        _pinResult = Cpu is int cpu ? CpuAffinity.TryPinCurrentThread(cpu) : CpuAffinity.TryUnpinCurrentThread();
        lock (_startGate)
        {
            _affinitySet = true;
            Monitor.PulseAll(_startGate);
        }
        _body(this);
    }
}
