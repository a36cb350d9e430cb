using System.Collections.Concurrent;
using AgentOS.Queues;
using AgentOS.Threading;

namespace AgentOS.Scheduling;

/// <summary>
/// One resource's queue: submitters on any thread publish items to a lock-free MPSC inbox; one dedicated dispatcher
/// thread drains the inbox into a scheduling policy and, whenever one of the N execution slots is free, hands the
/// policy's choice to the executor. Generic over the item: the kernel's LLM, memory, storage and tool queues are
/// configurations of this class (see <see cref="ResourceQueues"/>).
/// </summary>
/// <remarks>
/// <para>Nothing polls. An idle dispatcher parks in its wait strategy and is woken by the next publish, by a slot
/// ending its run, by a control request (cancel, policy swap, stop) or by a timer on the queue's
/// <see cref="TimeProvider"/> (deadline expiry; time slices are enforced by per-slot timers that ask the executor to
/// yield directly).</para>
/// <para>Only the thread that owns the dispatcher role touches the policy, the deadline heap, the free-slot stack and
/// the concurrency groups, so none of them needs a lock. The role is one flag taken with a compare-and-swap: the
/// dedicated dispatcher thread takes it, and so does a submitter that finds it free right after publishing
/// (<see cref="ResourceQueueOptions{T}.HelpDispatch"/>) — it then runs the dispatch pass itself, so a syscall that
/// a synchronous manager can serve completes before <c>TryEnqueue</c> returns, with no thread hop at all (the
/// flat-combining idea). Other threads talk to the owner through the inbox ring, the slot states (a slot's run ends
/// with one compare-and-swap, then a counter increment and a wake) and a queue of rare control requests.</para>
/// <para>A submitter helps only while the dispatcher thread is idle; while that thread is working it will see the
/// item anyway, so under load submitters just publish and the dispatcher serves everyone in batches.</para>
/// <para>No lost wake-up: a submitter publishes (a full fence), then reads the park sequence and the role flag. The
/// dispatcher thread bumps its park sequence (a full fence) before re-reading the inbox in its park condition, and an
/// owner clears the role flag (a full fence) before re-reading the inbox. So either the submitter sees the dispatcher
/// idle and the role free and takes it, or the dispatcher's park check or the owner's recheck sees the item (the
/// owner then wakes the dispatcher thread, whose park condition is "role free and work pending").</para>
/// </remarks>
/// <typeparam name="T">The scheduled item.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a queue in the operating-system sense (AIOS's LLM, memory, storage and tool queues), and the design names it so.")]
public sealed partial class ResourceQueue<T> : IAsyncDisposable where T : class, ISchedulable
{
    private const int Accepting = 0, Draining = 1, Stopping = 2, Stopped = 3;

    private readonly ResourceQueueOptions<T> _options;
    private readonly IJobExecutor<T> _executor;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly SpinThenParkWaitStrategy _wait = new();
    private readonly MpscRing<T> _inbox;
    private readonly ConcurrentQueue<ControlRequest> _control = new();
    private readonly ExecutionSlot<T>[] _slots;
    private readonly PinnedThread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<bool> _hasWork;
    private int _state;
    private int _endedRuns;          // slots whose run ended since the dispatcher last looked
    private int _parkSequence;       // even: the dispatcher is parked (or about to be); odd: it is working
    private int _stopRequested;      // set by StopAsync, consumed by the dispatcher
    private int _owner;              // 1 while a thread (the dispatcher's, or a helping submitter's) runs dispatch passes

    /// <summary>Creates and starts the queue: its dispatcher thread runs until <see cref="StopAsync"/>.</summary>
    public ResourceQueue(ResourceQueueOptions<T> options, IJobExecutor<T> executor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        options.Validate();
        _options = options;
        _executor = executor;
        _time = options.TimeProvider;
        _epoch = _time.GetTimestamp();
        _policy = options.Policy;
        // The ring never wakes anyone itself: after a publish the queue decides whether to help or to wake.
        _inbox = new MpscRing<T>(options.InboxCapacity, new BusySpinWaitStrategy());
        _slots = new ExecutionSlot<T>[options.Slots];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ExecutionSlot<T>(this, i, options.MaxBatch);
            _freeSlots.Push(_slots[i]);
        }
        _drainBuffer = new T[Math.Min(256, options.InboxCapacity)];
        _hasWork = () => Volatile.Read(ref _owner) == 0 && HasWork();
        if (options.ExpireAtDeadline)
        {
            _deadlines = new IndexedHeap<T>(64);
            _deadlineTimer = _time.CreateTimer(static s => ((ResourceQueue<T>)s!).OnDeadlineTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        _thread = PinnedThread.Start($"agentos-{options.Name}", options.DispatcherCpu, _ => DispatchLoop());
    }

    /// <summary>The queue's name.</summary>
    public string Name => _options.Name;

    /// <summary>How pinning the dispatcher thread to <see cref="ResourceQueueOptions{T}.DispatcherCpu"/> went (an
    /// unpinned dispatcher reports the whole allowed set).</summary>
    public PinResult DispatcherPinResult => _thread.PinResult;

    /// <summary>The dispatcher's OS thread id (the Linux tid, as in <c>/proc/self/task/&lt;tid&gt;</c>).</summary>
    public long DispatcherOsThreadId => _thread.OsThreadId;

    /// <summary>The number of execution slots.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>Monotonic ticks since the queue started, on its clock: the time base of every ticket.</summary>
    public long NowTicks => _time.GetElapsedTime(_epoch).Ticks;

    /// <summary>
    /// Publishes an item. Returns <see langword="false"/> when the inbox is full (the caller chooses: retry, wait with
    /// <see cref="EnqueueAsync"/>, or shed load).
    /// </summary>
    /// <exception cref="QueueStoppedException">The queue is stopping or stopped.</exception>
    public bool TryEnqueue(T item) => TryEnqueueAt(item, _time.GetTimestamp());

    /// <summary>The queue's clock (<see cref="ResourceQueueOptions{T}.TimeProvider"/>).</summary>
    internal TimeProvider Clock => _time;

    /// <summary>
    /// <see cref="TryEnqueue"/> with the item's arrival at <paramref name="timestamp"/>, a reading of <see cref="Clock"/>
    /// the caller has just taken for itself (the syscall router stamps its envelope with it): one clock read fewer per item,
    /// and a helping submitter's first dispatch pass runs at that time too.
    /// </summary>
    internal bool TryEnqueueAt(T item, long timestamp)
    {
        Stamp(item, timestamp);
        if (_inbox.TryPublish(item))
        {
            AfterPublish(item.Ticket.ArrivalTicks);
            return true;
        }
        if (_inbox.IsCompleted)
        {
            ThrowStopped();
        }
        return false;
    }

    /// <summary>Publishes an item, waiting asynchronously for room in the inbox when it is full.</summary>
    /// <exception cref="QueueStoppedException">The queue is stopping or stopped.</exception>
    public ValueTask EnqueueAsync(T item, CancellationToken cancellationToken = default)
    {
        Stamp(item, _time.GetTimestamp());
        var publishing = _inbox.PublishAsync(item, cancellationToken);
        if (publishing.IsCompletedSuccessfully)
        {
            AfterPublish(NowTicks);
            return default;
        }
        return AwaitPublish(publishing);
    }

    /// <summary>
    /// Asks the dispatcher to remove a waiting item; if it is still waiting (and still the same submission: its
    /// ticket's <see cref="SchedulingTicket.SubmissionId"/> is unchanged), the executor's <c>Reject</c> receives it with
    /// <see cref="JobRejection.Cancelled"/>. An item already running is the executor's to cancel.
    /// </summary>
    public void Cancel(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        PostControl(new ControlRequest(ControlKind.Cancel, item, null, item.Ticket.SubmissionId));
    }

    /// <summary>
    /// Replaces the policy while the queue runs: every waiting item moves to <paramref name="policy"/> (none lost, none
    /// duplicated); running items are unaffected. The old policy is disposed.
    /// </summary>
    public void SwapPolicy(ISchedulingPolicy<T> policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        PostControl(new ControlRequest(ControlKind.SwapPolicy, null, policy, 0));
    }

    /// <summary>
    /// Sets a concurrency group's limit while the queue runs (<see cref="ResourceQueueOptions{T}.ConcurrencyKey"/>):
    /// a raised limit lets the group's parked items back to the policy at once; a lowered one stops new starts until
    /// the group's running items drop below it (running items are not preempted).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is below 1.</exception>
    public void SetConcurrencyLimit(string key, int limit)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        PostControl(new ControlRequest(ControlKind.SetConcurrencyLimit, null, null, limit, key));
    }

    /// <summary>How many items wait right now (an executor need not yield a slot nobody is waiting for).</summary>
    internal int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>The queue's counters.</summary>
    public ResourceQueueStatistics Statistics => new()
    {
        Policy = Volatile.Read(ref _policyName),
        Waiting = Volatile.Read(ref _waiting),
        Running = Volatile.Read(ref _running),
        Admitted = Volatile.Read(ref _admitted),
        Dispatched = Volatile.Read(ref _dispatched),
        Completed = Volatile.Read(ref _completed),
        Preemptions = Volatile.Read(ref _preemptions),
        Cancelled = Volatile.Read(ref _cancelled),
        Expired = Volatile.Read(ref _expired),
        DeadlinesMet = Volatile.Read(ref _deadlinesMet),
        DeadlinesMissed = Volatile.Read(ref _deadlinesMissed),
        Faults = Volatile.Read(ref _faults),
    };

    /// <summary>
    /// Whether the dispatcher is parked with nothing to do: the inbox and control requests are empty and no run has
    /// ended unseen. Items may still be running (waiting on their executor). The simulator advances virtual time
    /// only when every queue is quiescent.
    /// </summary>
    public bool IsQuiescent
    {
        get
        {
            if (Volatile.Read(ref _state) == Stopped)
            {
                return true;
            }
            int before = Volatile.Read(ref _parkSequence);
            if ((before & 1) != 0 || Volatile.Read(ref _owner) != 0 || HasWork())
            {
                return false;
            }
            return Volatile.Read(ref _parkSequence) == before;
        }
    }

    /// <summary>
    /// <see cref="IsQuiescent"/>, and exactly <paramref name="expectedRunning"/> items running, read while the
    /// dispatcher stayed parked. A virtual clock passes how many runs wait on its timers: a run that ended but is not
    /// yet seen, or one doing real work, makes the counts differ, so the clock does not move under it.
    /// </summary>
    public bool IsQuiescentWith(int expectedRunning)
    {
        if (Volatile.Read(ref _state) == Stopped)
        {
            return true;
        }
        int before = Volatile.Read(ref _parkSequence);
        if ((before & 1) != 0 || Volatile.Read(ref _owner) != 0 || HasWork() || Volatile.Read(ref _running) != expectedRunning)
        {
            return false;
        }
        return Volatile.Read(ref _parkSequence) == before && Volatile.Read(ref _owner) == 0;
    }

    /// <summary>
    /// Stops the queue. With <paramref name="drain"/>, everything already submitted runs first; without, waiting items
    /// are rejected with <see cref="JobRejection.QueueStopped"/>. Either way new submissions fail at once, running
    /// items are left to finish, and the dispatcher thread is joined before the returned task completes.
    /// </summary>
    public async Task StopAsync(bool drain = true)
    {
        int target = drain ? Draining : Stopping;
        int current;
        while ((current = Volatile.Read(ref _state)) < target && Interlocked.CompareExchange(ref _state, target, current) != current)
        {
        }
        _inbox.Complete();
        Volatile.Write(ref _stopRequested, 1);
        _wait.Wake();
        await _stopped.Task.ConfigureAwait(false);
        _thread.Join();
    }

    /// <summary>Stops with draining.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(drain: true).ConfigureAwait(false);

    internal void OnSlotEnded()
    {
        Interlocked.Increment(ref _endedRuns);
        // A thread holding the role re-reads the ended runs when it lets go (the increment above is the fence).
        if (Volatile.Read(ref _owner) == 0)
        {
            _wait.Wake();
        }
    }

    private async ValueTask AwaitPublish(ValueTask publishing)
    {
        try
        {
            await publishing.ConfigureAwait(false);
            AfterPublish(NowTicks);
        }
        catch (RingCompletedException ex)
        {
            throw new QueueStoppedException($"The {Name} queue stopped while the item waited for room; it was not accepted.", ex);
        }
    }

    // After a publish: take the dispatcher role and run the passes here, or (role taken: its owner will see the item
    // when it lets go) do nothing, or (helping disabled) wake the dispatcher thread.
    // now: the queue's time, read just before (the first pass runs at it; later ones read the clock again).
    private void AfterPublish(long now)
    {
        if (!_options.HelpDispatch)
        {
            _wait.Wake();
            return;
        }
        // A working dispatcher thread (odd park sequence) will see the item on its next pass or in its park check:
        // under load it serves everyone and submitters only publish. An idle one is slower to wake than doing the
        // pass here, so the submitter helps.
        if ((Volatile.Read(ref _parkSequence) & 1) != 0 || Volatile.Read(ref _owner) != 0 || Interlocked.CompareExchange(ref _owner, 1, 0) != 0)
        {
            return;
        }
        try
        {
            // Enough passes to admit, dispatch, and (for a synchronous executor) end the run and finish the item. A pass
            // leaves nothing for the next but what HasWork sees (arrivals, ended runs, control requests, timers, a stop):
            // with a free slot it dispatched until the policy was empty, and a run ending inline freed its slot at once.
            // So a later pass runs only when there is some, and the common round trip takes one pass and one clock read.
            for (int pass = 0; pass < 4 && Volatile.Read(ref _state) != Stopped && (pass == 0 || HasWork()) && Step(pass == 0 ? now : NowTicks); pass++)
            {
            }
        }
        finally
        {
            ReleaseRole();
        }
    }

    private void ReleaseRole()
    {
        Interlocked.Exchange(ref _owner, 0);
        if (HasWork())
        {
            _wait.Wake();
        }
        else
        {
            _options.Idle?.Invoke();
        }
    }

    private void Stamp(T item, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Volatile.Read(ref _state) != Accepting)
        {
            ThrowStopped();
        }
        item.Ticket.ArrivalTicks = _time.GetElapsedTime(_epoch, timestamp).Ticks;
    }

    private void PostControl(ControlRequest request)
    {
        _control.Enqueue(request);
        _wait.Wake();
    }

    private bool HasWork() =>
        !_inbox.IsEmpty || Volatile.Read(ref _endedRuns) != 0 || !_control.IsEmpty || Volatile.Read(ref _deadlineDue) != 0
        || Volatile.Read(ref _holdDue) != 0
        || Volatile.Read(ref _stopRequested) != 0;

    private void ThrowStopped() => throw new QueueStoppedException($"The {Name} queue is stopping or stopped and accepts no new items.");

    private enum ControlKind
    {
        Cancel,
        SwapPolicy,
        SetConcurrencyLimit,
    }

    // SubmissionId carries the limit for SetConcurrencyLimit, Key the group.
    private sealed record ControlRequest(ControlKind Kind, T? Item, ISchedulingPolicy<T>? Policy, long SubmissionId, string? Key = null);
}
