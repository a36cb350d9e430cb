using System.Runtime.CompilerServices;
using AgentOS.Queues;

namespace AgentOS.Events;

/// <summary>
/// A subscription's machinery: its ring, the publishers' side (<see cref="Offer"/>), and the scheduling of its drain
/// on the thread pool.
/// </summary>
/// <remarks>
/// <para><b>Delivery: a drain scheduled on the thread pool, not a thread per subscriber.</b> The subscription is its
/// own <see cref="IThreadPoolWorkItem"/> (queued without allocating). A publisher that finds the drain idle queues it;
/// the drain delivers up to <see cref="SubscriptionOptions.BatchSize"/> events, then re-queues itself while work
/// remains (so one busy subscriber shares the pool fairly) and goes idle when the ring is empty. Why: a bus has many
/// subscribers (the Reactor, the evolution loop, event logs, one per server-sent-events client), most of them idle
/// most of the time; a dedicated thread each would be many threads that each spin before parking, and on two cores
/// spinning consumers starve the pool the agents run on (DESIGN's calibration). The pool spins once for all of them,
/// and an idle subscriber costs no thread at all. The price: a handler holds a pool thread while it runs, so handlers
/// must not block for long.</para>
/// <para><b>Idle protocol (no lost wake-up).</b> <c>_scheduled</c> is 1 from the moment a drain is queued until it
/// goes idle, so at most one drain runs at a time and each sees the previous one's writes (the exchange on
/// <c>_scheduled</c> and the pool's queue order them). A publisher makes its event visible (the ring's claim CAS, a
/// full fence; or the spill lock followed by a full fence), then reads <c>_scheduled</c> and, if 0, exchanges it to
/// 1 and queues the drain if it won. The drain goes idle by writing 0, a full fence, then re-checking the ring, the
/// spill mode and the state; if anything is there it exchanges <c>_scheduled</c> back to 1 and continues only if it
/// won (otherwise a publisher has already queued the next drain). Each side writes, fences, then reads the other's
/// location (Dekker), so either the publisher queues a drain or the drain sees the event.</para>
/// <para><b>Field layout.</b> Publishers read <c>_ring</c>, <c>_dropOldest</c>, <c>_spillMode</c> and
/// <c>_scheduled</c> on every publish; those change rarely. The counters the drain writes per event (and the drop
/// counter publishers write on overflow) are <see cref="PaddedSequence"/>s, so counting never invalidates the line
/// publishers read.</para>
/// </remarks>
internal sealed partial class Subscription<TEvent> : EventSubscription, IThreadPoolWorkItem
{
    private const int Active = 0;
    private const int Draining = 1;
    private const int Discarding = 2;
    private const int Completed = 3;

    private readonly EventRing<TEvent> _ring;
    private readonly bool _dropOldest;
    private readonly EventChannel<TEvent> _channel;
    private readonly IEventSubscriber<TEvent> _subscriber;
    private readonly IDrainObserver? _drainObserver;
    private readonly int _batchSize;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _scheduled;
    private int _state;

    private PaddedSequence _delivered;
    private PaddedSequence _dropped; // events dropped other than by stealing (those are counted by the ring's head)
    private long _faults;
    private long _discarded;
    private Exception? _lastFault;

    public Subscription(EventChannel<TEvent> channel, IEventSubscriber<TEvent> subscriber, SubscriptionOptions options, string name,
        RegisteredEventType<TEvent>? spillType)
        : base(name, options)
    {
        _channel = channel;
        _subscriber = subscriber;
        _drainObserver = subscriber as IDrainObserver;
        _ring = new EventRing<TEvent>(options.Capacity);
        _dropOldest = options.Overflow == OverflowPolicy.DropOldest;
        _batchSize = options.BatchSize;
        _spillType = spillType;
        _spillDirectory = options.SpillDirectory;
    }

    public override Type EventType => typeof(TEvent);

    public override long Delivered => _delivered.Value;

    // Stolen events need no counter of their own (an interlocked increment per steal): the ring's head counts every
    // take and every steal, and the drain counts its takes (delivered or discarded). Reading the drain's counts
    // first, a concurrent take can only over-count by the events in flight; exact once the drain has ended.
    public override long Dropped
    {
        get
        {
            long dropped = _dropped.Value;
            if (!_dropOldest)
            {
                return dropped;
            }
            long taken = _delivered.Value + Volatile.Read(ref _discarded);
            return dropped + Math.Max(0, _ring.Head - taken);
        }
    }

    public override long Spilled => Volatile.Read(ref _spilled);

    public override long Faults => Volatile.Read(ref _faults);

    public override Exception? LastFault => Volatile.Read(ref _lastFault);

    public override long Discarded => Volatile.Read(ref _discarded);

    public override int Pending => _ring.Count;

    public override Task Completion => _completion.Task;

    /// <summary>Queues <paramref name="e"/> for this subscriber. Publishers, any thread; never waits (except on other
    /// publishers spilling, see <see cref="OverflowPolicy.SpillToFile"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(in TEvent e)
    {
        if (_dropOldest)
        {
            if (!_ring.TryPublish(in e))
            {
                PublishDroppingOldest(in e);
            }
        }
        else if (Volatile.Read(ref _spillMode) != 0 || !_ring.TryPublish(in e))
        {
            Spill(in e);
            return;
        }
        if (Volatile.Read(ref _scheduled) == 0)
        {
            Schedule();
        }
    }

    private protected override void End(bool drain)
    {
        int target = drain ? Draining : Discarding;
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state >= target)
            {
                break; // already ending at least this way (a discard overrides a drain, never the reverse)
            }
            if (Interlocked.CompareExchange(ref _state, target, state) == state)
            {
                if (state == Active)
                {
                    _channel.Remove(this);
                }
                break;
            }
        }
        Schedule(); // its exchange is the full fence between the state write and reading _scheduled
    }

    // The ring was full. Take the oldest event out and retry, a few times at most: each failed
    // round means other threads are moving the ring (the subscriber taking, other publishers stealing or
    // publishing), and a publisher must not wait on them. Only then is the incoming event dropped instead.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PublishDroppingOldest(in TEvent e)
    {
        for (int attempt = 0; attempt < 4; attempt++)
        {
            _ring.TryStealOldest(); // counted by the ring's head (see Dropped)
            if (_ring.TryPublish(in e))
            {
                return;
            }
        }
        _dropped.Increment();
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
