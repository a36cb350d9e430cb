namespace AgentOS.Time;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when told to: tests and the simulator run on it, so an
/// hour of timers, delays and deadlines passes in microseconds and two runs see identical times.
/// </summary>
/// <remarks>
/// <para>Timers (and everything built on them: <c>Task.Delay(TimeSpan, TimeProvider)</c>, <c>CancellationTokenSource</c>
/// with a provider, <c>PeriodicTimer</c>) fire in due order while <see cref="Advance"/> moves the clock through their
/// due times; timers due at the same instant fire in the order they were scheduled. The clock reads each timer's due
/// time while its callback runs. A timer created or changed with a due time of zero fires at once, on the caller's
/// thread.</para>
/// <para>Thread-safe. Callbacks run on the thread that advances the clock, one at a time (a callback may itself
/// create timers or advance the clock). Mirrors the Microsoft.Extensions.TimeProvider.Testing package, which is a
/// dependency AgentOS does not take.</para>
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The default start: 2000-01-01T00:00:00Z, so virtual times are easy to read in logs.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();            // guards the clock and the timer queue
    private readonly Lock _firing = new();          // serializes callback invocation across advancing threads
    private readonly PriorityQueue<ScheduledFire, (long Due, long Sequence)> _queue = new();
    private readonly DateTimeOffset _start;
    private long _elapsedTicks;
    private long _sequence;

    /// <summary>Creates a clock that reads <paramref name="start"/> (default <see cref="DefaultStart"/>).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _start = start ?? DefaultStart;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How much virtual time has passed since construction.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _elapsedTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start.AddTicks(Volatile.Read(ref _elapsedTicks));

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _elapsedTicks);

    /// <summary>The number of armed timers (one-shot timers that have not fired, and periodic timers).</summary>
    public int ActiveTimerCount
    {
        get
        {
            lock (_gate)
            {
                int count = 0;
                foreach (var (fire, _) in _queue.UnorderedItems)
                {
                    if (fire.IsCurrent)
                    {
                        count++;
                    }
                }
                return count;
            }
        }
    }

    /// <summary>The due time of the earliest armed timer, or <see langword="null"/> when none is armed.</summary>
    public DateTimeOffset? NextDueTime
    {
        get
        {
            lock (_gate)
            {
                DropStale();
                return _queue.TryPeek(out _, out var key) ? _start.AddTicks(key.Due) : null;
            }
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative: virtual time never goes back.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_firing)
        {
            long target;
            lock (_gate)
            {
                target = _elapsedTicks + delta.Ticks;
            }
            FireUntil(target);
        }
    }

    /// <summary>Moves the clock to <paramref name="time"/>, firing every timer that falls due on the way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is earlier than the clock.</exception>
    public void AdvanceTo(DateTimeOffset time)
    {
        var delta = time - GetUtcNow();
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"Virtual time never goes back; the clock already reads {GetUtcNow():O}.");
        }
        Advance(delta);
    }

    /// <summary>
    /// Jumps the clock to the earliest armed timer's due time and fires every timer due then.
    /// Returns <see langword="false"/> (and leaves the clock alone) when no timer is armed.
    /// </summary>
    public bool AdvanceToNextTimer()
    {
        lock (_firing)
        {
            long due;
            lock (_gate)
            {
                DropStale();
                if (!_queue.TryPeek(out _, out var key))
                {
                    return false;
                }
                due = Math.Max(key.Due, _elapsedTicks);
            }
            FireUntil(due);
            return true;
        }
    }

    /// <summary>
    /// Jumps the clock to the earliest armed timer's due time and fires that timer alone (others due at the same
    /// instant stay armed, in order). A simulator fires one event at a time so that each event's consequences settle
    /// before the next. Returns <see langword="false"/> (and leaves the clock alone) when no timer is armed.
    /// </summary>
    public bool FireNextTimer()
    {
        lock (_firing)
        {
            ManualTimer timer;
            lock (_gate)
            {
                DropStale();
                if (!_queue.TryPeek(out var fire, out var key))
                {
                    return false;
                }
                _queue.Dequeue();
                _elapsedTicks = Math.Max(_elapsedTicks, key.Due);
                timer = fire.Timer;
                timer.OnFired(key.Due);
            }
            timer.Invoke();
            return true;
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    // Called with _firing held. Pops due timers one at a time so a callback that arms an earlier timer is honoured.
    private void FireUntil(long target)
    {
        while (true)
        {
            ManualTimer timer;
            lock (_gate)
            {
                DropStale();
                if (!_queue.TryPeek(out var fire, out var key) || key.Due > target)
                {
                    _elapsedTicks = Math.Max(_elapsedTicks, target);
                    return;
                }
                _queue.Dequeue();
                _elapsedTicks = Math.Max(_elapsedTicks, key.Due);
                timer = fire.Timer;
                timer.OnFired(key.Due);
            }
            timer.Invoke();
        }
    }

    private void DropStale()
    {
        while (_queue.TryPeek(out var fire, out _) && !fire.IsCurrent)
        {
            _queue.Dequeue();
        }
    }

    // Arms (or disarms, when dueTicks < 0) a timer. Returns whether it is already due.
    private bool Schedule(ManualTimer timer, long dueTicks, long periodTicks)
    {
        lock (_gate)
        {
            int version = timer.Rearm(periodTicks);
            if (dueTicks < 0)
            {
                return false;
            }
            long due = _elapsedTicks + dueTicks;
            _queue.Enqueue(new ScheduledFire(timer, version), (due, _sequence++));
            return dueTicks == 0;
        }
    }

    private void FireDueNow()
    {
        lock (_firing)
        {
            long now;
            lock (_gate)
            {
                now = _elapsedTicks;
            }
            FireUntil(now);
        }
    }

    private readonly record struct ScheduledFire(ManualTimer Timer, int Version)
    {
        public bool IsCurrent => Timer.Version == Version;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _periodTicks;
        private bool _disposed;

        // Bumped on every Change/Dispose/fire so queue entries from an earlier arming are recognised as stale.
        public int Version { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long due = ToTicks(dueTime, nameof(dueTime));
            long per = ToTicks(period, nameof(period));
            lock (owner._gate)
            {
                if (_disposed)
                {
                    return false;
                }
            }
            if (owner.Schedule(this, due, per))
            {
                owner.FireDueNow();
            }
            return true;
        }

        // Under owner._gate.
        public int Rearm(long periodTicks)
        {
            _periodTicks = periodTicks;
            return ++Version;
        }

        // Under owner._gate: a periodic timer re-arms itself one period after the time it was due.
        public void OnFired(long dueTicks)
        {
            int version = ++Version;
            if (_periodTicks > 0)
            {
                owner._queue.Enqueue(new ScheduledFire(this, version), (dueTicks + _periodTicks, owner._sequence++));
            }
        }

        public void Invoke() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                Version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static long ToTicks(TimeSpan value, string name)
        {
            if (value == Timeout.InfiniteTimeSpan)
            {
                return -1;
            }
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
            return value.Ticks;
        }
    }
}
