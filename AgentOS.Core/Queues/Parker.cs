namespace AgentOS.Queues;

/// <summary>
/// The parking half of the parking wait strategies: a consumer sleeps on a monitor until a waker signals, with no
/// lost wake-up.
/// </summary>
/// <remarks>
/// <para>Protocol (Dekker-style, both sides fenced):</para>
/// <list type="number">
/// <item>The consumer reads <c>_generation</c>, then sets <c>_parked</c> with <see cref="Interlocked.Exchange(ref int, int)"/>
/// (a full fence), then re-checks <c>ready()</c>; only if it is still false does it sleep, and only while
/// <c>_generation</c> is unchanged.</item>
/// <item>A waker makes its event visible to <c>ready()</c>, executes a full fence (<see cref="Wake"/> does;
/// <see cref="WakeAfterFence"/> relies on the caller's interlocked publish), then reads <c>_parked</c>. If set, it
/// clears it with an exchange (so of many concurrent wakers only one pays for the monitor) and bumps
/// <c>_generation</c> under the monitor, pulsing every sleeper.</item>
/// </list>
/// <para>Why nothing is lost: the consumer's flag store and the waker's event store each precede a full fence and
/// then a read of the other's location, so at least one of them sees the other. If the waker sees the flag it
/// signals, and the generation check under the monitor covers a signal that lands between the consumer's re-check
/// and its sleep; if it does not see the flag, the consumer's re-check sees the event. The flag may be left set
/// after a consumer finds the condition true; the next waker then signals once for nothing, which is harmless.
/// Several consumers may share one parker: each signal wakes all of them.</para>
/// </remarks>
internal sealed class Parker
{
    private static readonly Action<object?> SignalCallback = static state => ((Parker)state!).Signal();

    private readonly object _gate = new();
    private int _parked;
    private int _generation;
    private long _parks;   // written by the sleeping consumer, counted only when RingCounters.Enabled
    private long _wakeUps; // written under _gate, counted only when RingCounters.Enabled

    /// <summary>Times a consumer went to sleep (see <see cref="RingCounters"/>).</summary>
    internal long Parks => Volatile.Read(ref _parks);

    /// <summary>Times a waker signalled sleepers (see <see cref="RingCounters"/>).</summary>
    internal long WakeUps => Volatile.Read(ref _wakeUps);

    /// <summary>Sleeps until a waker signals, unless <paramref name="ready"/> holds after the flag is up.</summary>
    public void Park(Func<bool> ready, CancellationToken cancellationToken)
    {
        int generation = Volatile.Read(ref _generation);
        Interlocked.Exchange(ref _parked, 1);
        if (ready())
        {
            return;
        }
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(SignalCallback, this) : default;
        if (RingCounters.Enabled)
        {
            _parks++;
        }
        lock (_gate)
        {
            while (_generation == generation && !cancellationToken.IsCancellationRequested)
            {
                Monitor.Wait(_gate);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Wakes sleepers, for a caller that has not fenced since making its event visible.</summary>
    public void Wake()
    {
        Interlocked.MemoryBarrier();
        WakeAfterFence();
    }

    /// <summary>Wakes sleepers, for a caller whose publish was itself a full fence.</summary>
    public void WakeAfterFence()
    {
        if (Volatile.Read(ref _parked) != 0 && Interlocked.Exchange(ref _parked, 0) != 0)
        {
            Signal();
        }
    }

    private void Signal()
    {
        lock (_gate)
        {
            if (RingCounters.Enabled)
            {
                _wakeUps++;
            }
            _generation++;
            Monitor.PulseAll(_gate);
        }
    }
}
