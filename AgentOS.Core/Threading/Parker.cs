namespace AgentOS.Threading;

/// <summary>
/// Spin-then-park for one waiting thread and any number of wakers, without lost wake-ups.
/// </summary>
/// <remarks>
/// <para>Protocol. The waiter spins briefly on its condition (a hand-off that is already on its way costs no sleep);
/// then it announces itself with <c>Interlocked.Exchange(ref _parked, 1)</c>, a full fence, and checks the condition
/// once more before blocking. A waker first makes the condition true (enqueues, sets a flag), then issues a full fence
/// and reads <c>_parked</c>. These are the two halves of Dekker's pattern: either the waiter's re-check sees the
/// waker's write, or the waker sees <c>_parked == 1</c>. A waker that sees it claims the wake-up with an exchange back
/// to 0 — only one waker can win — and signals. So a wake-up can be spurious but never lost.</para>
/// <para>If the waiter's re-check succeeds after a waker has already claimed it, that waker's signal still arrives and
/// makes the waiter's next block return at once; the waiter re-checks and parks again. The signal is a binary event
/// (set at most once), so such stale signals cannot pile up.</para>
/// <para>Spinning stops before <see cref="SpinWait"/> would yield or sleep: on a two-core machine a spinner that yields
/// competes with the very thread that would wake it.</para>
/// </remarks>
internal sealed class Parker
{
    private readonly object _gate = new();
    private int _parked;
    private bool _signaled;

    /// <summary>
    /// Returns once <paramref name="isReady"/> is true, spinning briefly and then blocking until <see cref="Unpark"/>.
    /// <paramref name="isReady"/> must read state that wakers write before they call <see cref="Unpark"/>. Only one
    /// thread may wait on a parker at a time.
    /// </summary>
    public void Wait<TState>(TState state, Func<TState, bool> isReady)
    {
        var spinner = default(SpinWait);
        while (!isReady(state))
        {
            if (!spinner.NextSpinWillYield)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            Interlocked.Exchange(ref _parked, 1);
            if (isReady(state))
            {
                // Withdraw; if a waker claimed us meanwhile, its signal makes a later Block return early (harmless).
                Interlocked.Exchange(ref _parked, 0);
                return;
            }
            Block();
            spinner.Reset();
        }
    }

    /// <summary>Wakes the waiter if it is parked; call after making its condition true. Cheap when nobody is parked.</summary>
    public void Unpark()
    {
        // Orders the caller's write of the condition before the read of _parked (store-load needs a full fence).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _parked) != 0 && Interlocked.Exchange(ref _parked, 0) != 0)
        {
            lock (_gate)
            {
                _signaled = true;
                Monitor.Pulse(_gate);
            }
        }
    }

    private void Block()
    {
        lock (_gate)
        {
            while (!_signaled)
            {
                Monitor.Wait(_gate);
            }
            _signaled = false;
        }
    }
}
