using AgentOS.Queues;

namespace AgentOS.Time;

/// <summary>
/// Moves a <see cref="ManualTimeProvider"/> the way a discrete-event simulator moves its clock: only when the whole
/// system is quiescent — every registered source (a queue's dispatcher, a simulated backend) says it has nothing to do
/// but wait for a timer, and no agent step is pending or running — and then straight to the next due timer. An
/// hour of traffic replays in seconds, and because nothing happens between jumps, two runs see identical times.
/// </summary>
/// <remarks>
/// <para>What "quiescent" needs from the parts, so that the check can never be true while work is in flight:</para>
/// <list type="bullet">
/// <item>A source's <c>isQuiescent</c> must only be true in a state nothing but a timer can leave (a dispatcher parked
/// with an empty inbox; a backend whose every running generation waits on a timer of this clock). A source calls
/// <see cref="Wake"/> after it becomes quiescent, so the driver re-checks.</item>
/// <item>Agent steps are counted: a step is one stretch of agent code that runs without waiting. Whoever makes one
/// runnable calls <see cref="StepStarted"/> first, on its own thread — the kernel when an agent's <c>await</c> on a
/// syscall registers its continuation, a launcher before it starts an agent — and <see cref="StepEnded"/> once the
/// stretch has run (the continuation returned: the agent awaits again, or ended). The count is zero only when no
/// agent code is running or queued to run, however many syscalls one agent has in flight.</item>
/// </list>
/// <para>Timers fire on the driving thread, one at a time (<see cref="ManualTimeProvider.FireNextTimer"/>). Everything a
/// callback starts (a completed generation waking a dispatcher, an arrival launching an agent) is counted by the
/// sources before the callback returns, so the next check sees it. The driver parks between checks (the kernel's
/// own no-lost-wake-up parker): it never sleeps for a guessed time and never polls.</para>
/// </remarks>
public sealed class VirtualClockDriver
{
    private readonly ManualTimeProvider _time;
    private readonly List<Func<bool>> _sources = [];
    private readonly SpinThenParkWaitStrategy _wait = new();
    private readonly Func<bool> _quiescent;
    private Func<bool>[] _snapshot = [];
    private long _steps;
    private long _jumps;

    /// <summary>Creates a driver for <paramref name="time"/>.</summary>
    public VirtualClockDriver(ManualTimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _quiescent = IsQuiescent;
    }

    /// <summary>The clock this driver moves.</summary>
    public ManualTimeProvider Time => _time;

    /// <summary>Agent steps running or queued to run now.</summary>
    public long OutstandingSteps => Interlocked.Read(ref _steps);

    /// <summary>How many times the clock jumped to a timer.</summary>
    public long Jumps => Interlocked.Read(ref _jumps);

    /// <summary>Adds a part whose quiescence the driver waits for. Add sources before driving.</summary>
    public void AddSource(Func<bool> isQuiescent)
    {
        ArgumentNullException.ThrowIfNull(isQuiescent);
        lock (_sources)
        {
            _sources.Add(isQuiescent);
            _snapshot = [.. _sources];
        }
    }

    /// <summary>An agent became runnable (call before it can run: before handing it a result, before starting it).</summary>
    public void StepStarted() => Interlocked.Increment(ref _steps);

    /// <summary>An agent blocked on something a source tracks, or ended.</summary>
    /// <exception cref="InvalidOperationException">More steps ended than started: a caller's counting is wrong.</exception>
    public void StepEnded()
    {
        long left = Interlocked.Decrement(ref _steps);
        if (left < 0)
        {
            throw new InvalidOperationException("VirtualClockDriver: more agent steps ended than started; every StepEnded must follow its StepStarted.");
        }
        if (left == 0)
        {
            _wait.WakeAfterFence();
        }
    }

    /// <summary>A source may have become quiescent: the driver re-checks. Cheap when the driver is not parked.</summary>
    public void Wake() => _wait.Wake();

    /// <summary>
    /// Whether nothing can happen before the clock moves: no agent step outstanding and every source quiescent.
    /// </summary>
    public bool IsQuiescent()
    {
        if (Interlocked.Read(ref _steps) != 0)
        {
            return false;
        }
        foreach (var source in Volatile.Read(ref _snapshot))
        {
            if (!source())
            {
                return false;
            }
        }
        // A step may have started while the sources were read (a source's work ended by handing a result over).
        return Interlocked.Read(ref _steps) == 0;
    }

    /// <summary>
    /// Drives the clock on the calling thread until <paramref name="finished"/> holds at a quiescent moment: waits
    /// for quiescence, checks <paramref name="finished"/>, jumps to the next timer and fires it alone (timers due at the
    /// same instant fire one by one, each after the last one's consequences settled), and again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The system is quiescent, not finished, and no timer is armed:
    /// nothing could ever happen again (a part is waiting on something that is not this clock).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void RunUntil(Func<bool> finished, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finished);
        while (true)
        {
            WaitForQuiescence(cancellationToken);
            if (finished())
            {
                return;
            }
            if (!_time.FireNextTimer())
            {
                throw new InvalidOperationException(
                    $"VirtualClockDriver: the system is quiescent at {_time.GetUtcNow():O} with no timer armed and the run not finished; "
                    + $"something waits outside the virtual clock ({OutstandingSteps} agent steps outstanding).");
            }
            Interlocked.Increment(ref _jumps);
        }
    }

    /// <summary>Blocks until <see cref="IsQuiescent"/> holds.</summary>
    public void WaitForQuiescence(CancellationToken cancellationToken = default)
    {
        while (!IsQuiescent())
        {
            _wait.WaitUntil(_quiescent, cancellationToken);
        }
    }
}
