using System.Diagnostics.CodeAnalysis;

namespace AgentOS.Events;

/// <content>The drain: delivery on a pool thread, fault isolation, going idle, ending.</content>
internal sealed partial class Subscription<TEvent>
{
    private bool _batchEndedFull; // the drain's: whether the last batch ran out before the events did

    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "Handler exceptions are caught in Deliver; anything else (the spill file failing) must not crash the process from a pool thread: the subscription fails, visibly.")]
    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            DrainUntilIdle();
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    private void DrainUntilIdle()
    {
        while (true)
        {
            if (DrainBatch())
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false); // more to do: yield the pool thread, stay scheduled
                return;
            }
            Volatile.Write(ref _scheduled, 0);
            Interlocked.MemoryBarrier(); // Dekker with Offer: see the type's remarks
            if (!HasWork() || Interlocked.Exchange(ref _scheduled, 1) != 0)
            {
                return;
            }
        }
    }

    private bool HasWork()
    {
        int state = Volatile.Read(ref _state);
        return !_ring.IsEmpty || Volatile.Read(ref _spillMode) != 0 || state == Draining || state == Discarding;
    }

    /// <summary>Delivers up to one batch; returns <see langword="true"/> when the batch ran out before the events.</summary>
    private bool DrainBatch()
    {
        for (int i = 0; i < _batchSize; i++)
        {
            int state = Volatile.Read(ref _state);
            if (state >= Discarding)
            {
                DiscardAll(state);
                return false;
            }
            if (!TryNext(out TEvent e))
            {
                if (i > 0 || _batchEndedFull)
                {
                    _batchEndedFull = false;
                    NotifyDrained();
                }
                if (state == Draining)
                {
                    Finish(); // everything published before the DisposeAsync call has been delivered
                }
                return false;
            }
            Deliver(in e);
        }
        _batchEndedFull = true; // delivered a whole batch: the next one notifies when it finds nothing more
        return true;
    }

    private bool TryNext(out TEvent e) => _dropOldest ? _ring.TakeOrWait(out e) : TryNextInSpillOrder(out e);

    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "Isolation is the point: whatever a handler throws is counted and reported, and delivery goes on.")]
    private void Deliver(in TEvent e)
    {
        try
        {
            _subscriber.OnEvent(in e);
        }
        catch (Exception exception)
        {
            Fault(exception);
        }
        _delivered.Value = _delivered.Value + 1; // the drain is the only writer
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types",
        Justification = "A flush failure of the drain observer is a fault like any handler's: counted and reported.")]
    private void NotifyDrained()
    {
        try
        {
            _drainObserver?.OnDrained();
        }
        catch (Exception exception)
        {
            Fault(exception);
        }
    }

    private void Fault(Exception exception)
    {
        Volatile.Write(ref _faults, _faults + 1); // the drain is the only writer (spill failures count as drops instead)
        Volatile.Write(ref _lastFault, exception);
        _channel.Bus.ReportFault(this, exception);
    }

    private void DiscardAll(int state)
    {
        DiscardQueued();
        if (state == Discarding)
        {
            Complete();
        }
    }

    private void DiscardQueued()
    {
        long discarded = 0;
        while (_ring.TakeOrWait(out _))
        {
            discarded++;
        }
        discarded += CloseSpill();
        Interlocked.Add(ref _discarded, discarded);
    }

    // The drain itself failed (not a handler: an I/O error on the spill file). The subscription cannot keep its
    // promises any more, so it ends: detached, what is queued discarded and counted, the fault reported, and
    // Completion faulted with the exception. Late events are discarded by later drains, as after any end.
    private void Fail(Exception exception)
    {
        Volatile.Write(ref _lastFault, exception);
        if (Interlocked.Exchange(ref _state, Completed) == Active)
        {
            _channel.Remove(this);
        }
        DiscardQueued();
        _completion.TrySetException(exception);
        _channel.Bus.ReportFault(this, exception);
        Volatile.Write(ref _scheduled, 0);
        Interlocked.MemoryBarrier();
        if (HasWork() && Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private void Finish()
    {
        // The spill mode was off when the ring was found empty, so only a publisher racing with the end (it read the
        // subscriber array before the detach) can have spilled since: discarded, like its ring items will be.
        Interlocked.Add(ref _discarded, CloseSpill());
        Complete();
    }

    private void Complete()
    {
        Volatile.Write(ref _state, Completed);
        _completion.TrySetResult();
    }
}
