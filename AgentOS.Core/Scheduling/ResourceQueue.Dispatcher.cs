namespace AgentOS.Scheduling;

// The dispatcher thread: everything here runs on it alone.
public sealed partial class ResourceQueue<T>
{
    private readonly Stack<ExecutionSlot<T>> _freeSlots = new();
    private readonly T[] _drainBuffer;
    private ISchedulingPolicy<T> _policy;
    private string _policyName = "";
    private long _sequence;

    // Counters: written by the dispatcher only, read by anyone through Statistics.
    private int _waiting;
    private int _running;
    private long _admitted;
    private long _dispatched;
    private long _completed;
    private long _preemptions;
    private long _cancelled;
    private long _expired;
    private long _deadlinesMet;
    private long _deadlinesMissed;
    private long _faults;
    private long _dispatcherThreadPasses;

    // How many passes that did something ran on the dedicated dispatcher thread (the rest ran on helping submitters).
    internal long DispatcherThreadPasses => Volatile.Read(ref _dispatcherThreadPasses);

    private void DispatchLoop()
    {
        Volatile.Write(ref _policyName, _policy.Name);
        Interlocked.Increment(ref _parkSequence); // odd: working
        try
        {
            while (true)
            {
                if (Interlocked.CompareExchange(ref _owner, 1, 0) == 0)
                {
                    bool progressed, exit;
                    try
                    {
                        progressed = Step(NowTicks);
                        if (progressed)
                        {
                            Volatile.Write(ref _dispatcherThreadPasses, _dispatcherThreadPasses + 1);
                        }
                        exit = !progressed && ReadyToExit();
                    }
                    finally
                    {
                        ReleaseRole();
                    }
                    if (exit)
                    {
                        break;
                    }
                    if (progressed)
                    {
                        continue;
                    }
                }
                // Parked until the role is free and there is work (a helping submitter that holds the role wakes
                // this thread when it lets go with work left).
                Interlocked.Increment(ref _parkSequence); // even: about to park
                _options.Idle?.Invoke();
                _wait.WaitUntil(_hasWork, CancellationToken.None);
                Interlocked.Increment(ref _parkSequence); // odd: working again
            }
        }
        finally
        {
            // Take the role for good before tearing down: a helping submitter still in a pass must finish first, and
            // none may start one on a stopped queue.
            SpinWait spin = default;
            while (Interlocked.CompareExchange(ref _owner, 1, 0) != 0)
            {
                spin.SpinOnce();
            }
            _deadlineTimer?.Dispose();
            _holdTimer?.Dispose();
            foreach (var slot in _slots)
            {
                slot.SliceTimer?.Dispose();
            }
            _policy.Dispose();
            _deadlines?.Dispose();
            Volatile.Write(ref _state, Stopped);
            if ((Volatile.Read(ref _parkSequence) & 1) != 0)
            {
                Interlocked.Increment(ref _parkSequence); // a stopped dispatcher is quiescent
            }
            _stopped.TrySetResult();
        }
    }

    // One pass over every source of work, at queue time now. Returns whether anything changed.
    private bool Step(long now)
    {
        bool progressed = false;
        bool arrivals = false;

        if (Volatile.Read(ref _stopRequested) != 0)
        {
            Volatile.Write(ref _stopRequested, 0);
            progressed = true;
        }

        // Bounded: at most one ring's worth of arrivals per pass, so producers that never let the inbox empty
        // cannot keep the dispatcher from dispatching.
        int drained;
        for (int budget = _inbox.Capacity; budget > 0 && (drained = _inbox.Drain(_drainBuffer.AsSpan(0, Math.Min(budget, _drainBuffer.Length)))) > 0; budget -= drained)
        {
            for (int i = 0; i < drained; i++)
            {
                Admit(_drainBuffer[i], now);
                _drainBuffer[i] = null!;
            }
            arrivals = progressed = true;
        }

        if (Volatile.Read(ref _endedRuns) != 0)
        {
            Interlocked.Exchange(ref _endedRuns, 0);
            foreach (var slot in _slots)
            {
                if (slot.HasCompleted || slot.HasYielded)
                {
                    EndRun(slot, now);
                    progressed = true;
                }
            }
        }

        // Only the requests present now: a caller posting swaps in a loop must not livelock the dispatcher.
        for (int pending = _control.Count; pending > 0 && _control.TryDequeue(out var request); pending--)
        {
            Apply(request, now);
            progressed = true;
        }

        if (Volatile.Read(ref _deadlineDue) != 0)
        {
            Volatile.Write(ref _deadlineDue, 0);
            ExpireDeadlines(now);
            progressed = true;
        }

        if (Volatile.Read(ref _holdDue) != 0)
        {
            Volatile.Write(ref _holdDue, 0);
            EndHolds(now);
            progressed = true;
        }

        if (Volatile.Read(ref _state) == Stopping && _policy.Count + DeferredCount() > 0)
        {
            RejectAllWaiting();
            progressed = true;
        }

        while (_freeSlots.Count > 0 && TryTakeNext(now, out var next))
        {
            var slot = _freeSlots.Pop();
            Dispatch(slot, next, now);
            // A synchronous executor has already ended the run: free the slot now, so one pass can push a whole
            // burst through a single slot.
            if (slot.HasCompleted || slot.HasYielded)
            {
                EndRun(slot, now);
            }
            progressed = true;
        }

        if (arrivals && _freeSlots.Count == 0)
        {
            RequestPreemptions();
        }

        Volatile.Write(ref _waiting, _policy.Count + DeferredCount());
        RearmDeadlineTimer();
        RearmHoldTimer();
        return progressed;
    }

    private bool ReadyToExit() =>
        Volatile.Read(ref _state) is Draining or Stopping
        && _inbox.IsEmpty && _inbox.IsCompleted
        && _policy.Count == 0 && DeferredCount() == 0
        && _freeSlots.Count == _slots.Length;

    private void Admit(T item, long now)
    {
        var ticket = item.Ticket;
        ticket.ArrivalSequence = ticket.EnqueueSequence = ++_sequence;
        ticket.DeadlineTicks = ticket.Deadline is { } deadline
            ? now + Math.Max(0, (deadline - _time.GetUtcNow()).Ticks)
            : SchedulingTicket.NoDeadline;
        _admitted++;
        Volatile.Write(ref _admitted, _admitted);
        Wait(item, now);
    }

    // Puts an item (new, yielded or released from a concurrency group) into the policy and the deadline heap.
    private void Wait(T item, long now)
    {
        _policy.Enqueue(item, now);
        if (_deadlines is not null && item.Ticket.DeadlineTicks != SchedulingTicket.NoDeadline)
        {
            item.Ticket.DeadlineHandle = _deadlines.Push(item, item.Ticket.DeadlineTicks, item.Ticket.ArrivalSequence);
        }
    }

    private void StopWaiting(T item)
    {
        if (_deadlines is not null && item.Ticket.DeadlineHandle >= 0)
        {
            _deadlines.Remove(item.Ticket.DeadlineHandle);
            item.Ticket.DeadlineHandle = -1;
        }
    }

    // The policy's next item whose concurrency group has room; items over their group's limit are parked, in order.
    private bool TryTakeNext(long now, out T item)
    {
        while (_policy.TryDequeue(now, out item))
        {
            if (_options.ConcurrencyKey?.Invoke(item) is { } key)
            {
                var group = Group(key);
                if (group.HeldUntil > now || group.Running >= group.Limit || Gated(item, group, now))
                {
                    // Still waiting (its deadline still tracked), just not in the policy.
                    group.Deferred.Enqueue(item);
                    continue;
                }
                group.Running++;
            }
            StopWaiting(item);
            return true;
        }
        return false;
    }

    private void Dispatch(ExecutionSlot<T> slot, T first, long now)
    {
        long sliceEnd = _policy.TimeSlice is { } slice ? now + slice.Ticks : long.MaxValue;
        slot.Begin(first, _policy.ServiceBudget(first), sliceEnd);
        if (_options.MaxBatch > 1)
        {
            while (slot.Batch.Length < slot.BatchCapacity && _policy.TryPeek(out var next) && _options.BatchCompatible!(first, next)
                   && (_options.ConcurrencyKey?.Invoke(next) is null))
            {
                _policy.TryDequeue(now, out next);
                StopWaiting(next);
                slot.TryAddToBatch(next);
            }
        }
        _dispatched++;
        Volatile.Write(ref _dispatched, _dispatched);
        Volatile.Write(ref _running, _running + 1);
        if (_policy.TimeSlice is { } timeSlice)
        {
            slot.SliceTimer ??= _time.CreateTimer(static s => OnSliceTimer((ExecutionSlot<T>)s!), slot, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            slot.SliceTimer.Change(timeSlice, Timeout.InfiniteTimeSpan);
        }
        try
        {
            _executor.Start(slot);
        }
        catch (Exception ex)
        {
            // The executor failed to start the run: free the slot rather than kill the dispatcher, then report it. The
            // groups are released first, because the fault handler may hand the item back to its submitter, after which
            // the queue must not read it.
            foreach (var item in slot.Batch)
            {
                ReleaseGroup(item, now);
            }
            Fault(first, ex);
            slot.Release();
            _freeSlots.Push(slot);
            Volatile.Write(ref _running, _running - 1);
        }
    }

    private void EndRun(ExecutionSlot<T> slot, long now)
    {
        bool yielded = slot.HasYielded;
        slot.SliceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var item in slot.Batch)
        {
            ReleaseGroup(item, now);
            if (yielded)
            {
                var ticket = item.Ticket;
                ticket.Preemptions++;
                ticket.ResumeState = slot.ResumeState;
                _preemptions++;
                if (Volatile.Read(ref _state) == Stopping)
                {
                    Reject(item, JobRejection.QueueStopped);
                }
                else
                {
                    ticket.EnqueueSequence = ++_sequence;
                    Wait(item, now);
                }
            }
            else
            {
                item.Ticket.ResumeState = null;
                _completed++;
                CountDeadline(item, now);
            }
        }
        Volatile.Write(ref _preemptions, _preemptions);
        Volatile.Write(ref _completed, _completed);
        if (!yielded)
        {
            foreach (var item in slot.Batch)
            {
                Finished(item);
            }
        }
        slot.Release();
        _freeSlots.Push(slot);
        Volatile.Write(ref _running, _running - 1);
    }

    // The last the queue does with a completed item: hand it back to the executor.
    private void Finished(T item)
    {
        try
        {
            _executor.OnFinished(item);
        }
        catch (Exception ex)
        {
            Fault(item, ex);
        }
    }

    private void CountDeadline(T item, long now)
    {
        long deadline = item.Ticket.DeadlineTicks;
        if (deadline == SchedulingTicket.NoDeadline)
        {
            return;
        }
        if (now <= deadline)
        {
            Volatile.Write(ref _deadlinesMet, _deadlinesMet + 1);
        }
        else
        {
            Volatile.Write(ref _deadlinesMissed, _deadlinesMissed + 1);
            ReportMiss(item, now - deadline);
        }
    }

    // Never silent: every fault is counted in Statistics.Faults and handed to ExecutorFaulted when set.
    private void Fault(T item, Exception ex)
    {
        Volatile.Write(ref _faults, _faults + 1);
        try
        {
            _options.ExecutorFaulted?.Invoke(item, ex);
        }
        catch (Exception)
        {
            // The fault handler itself failed; the fault is still counted.
        }
    }

    // A user callback must not kill the dispatcher: its failure is reported like an executor's.
    private void ReportMiss(T item, long lateTicks)
    {
        try
        {
            _options.DeadlineMissed?.Invoke(item, TimeSpan.FromTicks(lateTicks));
        }
        catch (Exception ex)
        {
            Fault(item, ex);
        }
    }

    private void RequestPreemptions()
    {
        foreach (var slot in _slots)
        {
            if (slot.IsRunning && _policy.ShouldPreempt(slot.Item))
            {
                RequestYield(slot);
            }
        }
    }

    private void RequestYield(ExecutionSlot<T> slot)
    {
        if (slot.TryRequestYield())
        {
            _executor.OnYieldRequested(slot);
        }
    }

    // A slot's time slice timer: runs on a timer thread (or the thread advancing a manual clock).
    private static void OnSliceTimer(ExecutionSlot<T> slot)
    {
        var owner = slot.Owner;
        // A timer from an earlier run may fire late; the current run's end time decides.
        if (slot.IsRunning && owner.NowTicks >= slot.SliceEndTicks)
        {
            owner.RequestYield(slot);
        }
    }

    private void Apply(ControlRequest request, long now)
    {
        switch (request.Kind)
        {
            case ControlKind.Cancel:
                var item = request.Item!;
                if (item.Ticket.SubmissionId == request.SubmissionId && (_policy.Remove(item) || RemoveDeferred(item)))
                {
                    StopWaiting(item);
                    _cancelled++;
                    Volatile.Write(ref _cancelled, _cancelled);
                    Reject(item, JobRejection.Cancelled);
                }
                break;
            case ControlKind.SwapPolicy:
                var next = request.Policy!;
                var old = _policy;
                old.DrainTo(waiting => next.Enqueue(waiting, now));
                _policy = next;
                Volatile.Write(ref _policyName, next.Name);
                old.Dispose();
                break;
            case ControlKind.SetConcurrencyLimit:
                SetGroupLimit(request.Key!, (int)request.SubmissionId, now); // ResourceQueue.Groups.cs
                break;
        }
    }

    private void RejectAllWaiting()
    {
        _policy.DrainTo(item =>
        {
            StopWaiting(item);
            Reject(item, JobRejection.QueueStopped);
        });
        foreach (var group in _groups.Values)
        {
            while (group.Deferred.TryDequeue(out var item))
            {
                StopWaiting(item);
                Reject(item, JobRejection.QueueStopped);
            }
        }
    }

    private void Reject(T item, JobRejection reason)
    {
        try
        {
            _executor.Reject(item, reason);
        }
        catch (Exception ex)
        {
            Fault(item, ex);
        }
    }
}
