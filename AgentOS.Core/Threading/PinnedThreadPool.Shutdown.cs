namespace AgentOS.Threading;

public sealed partial class PinnedThreadPool
{
    private const int Running = 0;
    private const int StopDrain = 1;
    private const int StopCancel = 2;

    // Sign bit: closed to new work. Low bits: Enqueue calls in flight (see Post).
    private const int ClosedBit = int.MinValue;
    private readonly Lock _shutdownLock = new();
    private int _gate;
    private int _stopMode;
    private long _dropped;

    /// <summary>
    /// Shuts the pool down: no more work is accepted (<c>Enqueue</c> throws), then each worker either runs everything
    /// queued to it (<paramref name="drain"/>) or stops after its current item and drops the rest; then every worker
    /// thread is joined. The first call (or <see cref="Dispose"/>) decides between draining and dropping; later and
    /// concurrent calls wait for the same shutdown. Safe to call from a work item, as long as the item does not block
    /// on the returned task.
    /// </summary>
    /// <param name="drain">True: run what is queued. False: drop it, counting it in <see cref="DroppedCount"/>.</param>
    /// <param name="cancellationToken">Cancels the wait, not the shutdown, which goes on; an already-cancelled token
    /// returns a cancelled task without beginning the shutdown.</param>
    /// <returns>The number of items dropped (<see cref="DroppedCount"/>; 0 after a drain).</returns>
    public Task<int> ShutdownAsync(bool drain, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }
        BeginShutdown(drain ? StopDrain : StopCancel);
        return FinishShutdownAsync(cancellationToken);
    }

    /// <summary>
    /// Shuts the pool down without draining (queued items are dropped and counted) and joins every worker thread.
    /// Idempotent. From a work item of this pool it only begins the shutdown (a thread cannot join itself).
    /// </summary>
    public void Dispose()
    {
        BeginShutdown(StopCancel);
        JoinWorkers();
    }

    /// <summary>Shuts the pool down without draining, as <see cref="ShutdownAsync"/> with <c>drain: false</c>. Idempotent.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(drain: false).ConfigureAwait(false);

    private async Task<int> FinishShutdownAsync(CancellationToken cancellationToken)
    {
        var exits = new Task[_workers.Length];
        for (int i = 0; i < exits.Length; i++)
        {
            exits[i] = _workers[i].Exited.Task;
        }
        // Continuations of Exited run on the thread pool, never inline on the exiting worker, so the join below
        // never waits for the thread that runs it.
        await Task.WhenAll(exits).WaitAsync(cancellationToken).ConfigureAwait(false);
        JoinWorkers();
        return (int)DroppedCount;
    }

    private void BeginShutdown(int mode)
    {
        lock (_shutdownLock)
        {
            if (_stopMode != Running)
            {
                return;
            }
            // Close, then wait out the Enqueue calls already past the check: after this loop every accepted item is
            // in an inbox, so a worker that sees the stop mode and then an empty inbox can trust it.
            Interlocked.Or(ref _gate, ClosedBit);
            var spinner = default(SpinWait);
            while ((Volatile.Read(ref _gate) & ~ClosedBit) != 0)
            {
                spinner.SpinOnce();
            }
            Volatile.Write(ref _stopMode, mode);
        }
        foreach (var worker in _workers)
        {
            worker.Waiter.Wake();
        }
    }

    private void JoinWorkers()
    {
        // A worker cannot join itself, nor join the others: two workers disposing at once would each wait for the
        // other. From a worker, the shutdown is begun and the workers finish on their own.
        foreach (var thread in Workers)
        {
            if (thread.IsCurrentThread)
            {
                return;
            }
        }
        foreach (var thread in Workers)
        {
            thread.Join();
        }
    }

    // For a constructor that failed part-way: the workers started so far, before Workers is set.
    private void StopWorkers(ReadOnlySpan<PinnedThread> started)
    {
        BeginShutdown(StopCancel);
        foreach (var thread in started)
        {
            thread.Join();
        }
    }
}
