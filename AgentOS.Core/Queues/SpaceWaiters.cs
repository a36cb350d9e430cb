namespace AgentOS.Queues;

/// <summary>
/// Producers awaiting space in a full ring, woken together by the consumer when it frees slots (or by completion).
/// </summary>
/// <remarks>
/// <para>Protocol: a producer calls <see cref="Register"/> (which raises <c>_hasWaiters</c> with an interlocked
/// exchange, a full fence), then re-checks for space, and awaits the returned task only if the ring is still full.
/// The consumer publishes its new head, executes a full fence, then reads <see cref="HasWaiters"/>. Both sides store,
/// fence and read the other's location, so either the producer's re-check sees the space or the consumer sees the
/// registration and signals: no lost wake-up.</para>
/// <para><see cref="SignalAll"/> detaches the pending completion source under the lock before completing it (the
/// waiter is reserved atomically first, then completed), so a registration racing with a signal either joins the
/// detached source, which is about to complete, or creates a fresh one that the next signal completes. Continuations
/// run asynchronously, never on the consumer's thread.</para>
/// </remarks>
internal sealed class SpaceWaiters
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _pending;
    private int _hasWaiters;

    /// <summary>Whether a producer may be waiting; read by the consumer after a full fence.</summary>
    public bool HasWaiters => Volatile.Read(ref _hasWaiters) != 0;

    /// <summary>Registers the caller; the returned task completes at the next <see cref="SignalAll"/>. The caller
    /// must re-check for space after this returns and before awaiting.</summary>
    public Task Register()
    {
        lock (_gate)
        {
            _pending ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _hasWaiters, 1);
            return _pending.Task;
        }
    }

    /// <summary>Wakes every registered producer.</summary>
    public void SignalAll()
    {
        TaskCompletionSource? pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = null;
            Volatile.Write(ref _hasWaiters, 0);
        }
        pending?.TrySetResult();
    }
}
