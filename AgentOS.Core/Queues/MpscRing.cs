using System.Runtime.CompilerServices;

namespace AgentOS.Queues;

/// <summary>
/// A bounded lock-free ring for many producers and one consumer (a kernel dispatcher thread). Producers publish
/// without locks or allocation; the consumer drains in batches and sleeps through a shared
/// <see cref="Queues.WaitStrategy"/> when idle.
/// </summary>
/// <typeparam name="T">The item type. Slots holding references are cleared as they are taken, so the ring keeps no
/// garbage alive.</typeparam>
/// <remarks>
/// <para><b>Protocol.</b> Claim-then-publish, with the consumer's progress kept in one sequence (Disruptor-style)
/// and a per-slot sequence that marks publication. Positions are 64-bit and never wrap.</para>
/// <list type="number">
/// <item><b>Claim</b> (producers): read <c>_tail</c>; check there is room for n slots against a cached copy of the
/// consumer's head (<c>_cachedHead</c>, shared by producers and refreshed from <c>_head</c> only when the cache says
/// the ring is full, so producers rarely touch the consumer's line); CAS <c>_tail</c> forward by n. Batches claim n
/// slots in one CAS, all or nothing.</item>
/// <item><b>Publish</b> (producers): write the item, then release-write the slot's sequence to its position. The
/// slot lines are the only lines producers and the consumer exchange per item.</item>
/// <item><b>Take</b> (the consumer): acquire-read the head slot's sequence; equal to the position means published.
/// Read the item, clear it if <typeparamref name="T"/> holds references, and move on; one release-write of
/// <c>_head</c> per batch frees every slot taken (the consumer never writes slot sequences).</item>
/// </list>
/// <para><b>Why this and not sequence-per-slot (Vyukov, as in ConcurrentQueue).</b> There the consumer re-arms
/// every slot it frees, a write to a line producers then read; here freeing a whole batch is one store to a line
/// producers read only when their cache says "full". An all-or-nothing batch claim is also natural: room for n is
/// one comparison against the head, and the claim is one CAS.</para>
/// <para><b>"Not empty" means claimed.</b> <see cref="IsEmpty"/> is false once a slot is claimed beyond the head. A
/// slot can be claimed but not yet published (its producer is between the two steps); a take then waits for that
/// producer, as ConcurrentQueue does, so a take on a non-empty ring always succeeds.</para>
/// <para><b>Waking the consumer (no lost wake-up).</b> The claim CAS is a full fence that makes the claim visible
/// before the producer reads the strategy's parked flag, and the consumer's condition (<see cref="IsEmpty"/>,
/// <see cref="IsCompleted"/>) reads the claim cursor after raising its flag with a full fence (Dekker): either the
/// producer sees the flag and wakes it, or the consumer sees the claim and does not sleep. So publishing needs no
/// fence beyond its CAS, and a consumer's wait condition must read this ring through those two properties. The
/// condition reads the head slot first and the claim cursor only when the head is unpublished, so a consumer that
/// keeps finding items never touches the producers' line. (Pairing the wake with the slot's publication instead
/// would spare the idle consumer that line, but costs a full fence per publish: measured 17-28 ns per item against
/// 9-10 ns with one producer.)</para>
/// <para><b>Not chasing the producers (the lock-step regime).</b> The consumer takes an item in a few nanoseconds,
/// a producer publishes one in ten or more, so a consumer with its own core catches up. Once it drains right behind
/// the producers it reads each slot line while they are still writing it: every item then costs a line transfer each
/// way (measured: 30-36 ns of CPU per item on each side, 55 items per drain, against 4-5 and 13 ns with 256 per
/// drain), which slows the producers, which keeps the consumer on their heels: a stable slow regime, seen as a
/// bimodal median. So a drain that stops short of its limit at a slot the producers have already claimed (they are
/// writing it) makes the next drain first spin without touching shared lines, doubling from 8 up to 256
/// <see cref="Thread.SpinWait(int)"/> iterations while it keeps happening, halved by each full drain (so steady
/// streaming stays batched) and reset by idle producers. Closed-loop traffic (each producer waits for its reply) leaves nothing claimed beyond the drain and
/// never backs off. Counters (<see cref="RingCounters"/>) show the regime: drains, items, tail reads, claimed-slot
/// spins, wait polls, back-offs.</para>
/// <para><b>Waking producers that await space.</b> <see cref="PublishAsync"/> registers (a full fence) and re-checks
/// for room; the consumer writes its head, fences, and reads the registration flag. One fence per drained batch.</para>
/// <para><b>Completion</b> sets a bit in <c>_tail</c> with an interlocked OR, so a claim CAS racing with
/// <see cref="Complete"/> either lands before it (its item is drained) or fails (the publish reports completion):
/// no item is accepted and then lost. The bit also makes the consumer's condition true, waking it.</para>
/// <para>Thread-safety: every producer member from any number of threads; consumer members (take, drain, wait) from
/// one thread at a time.</para>
/// </remarks>
public sealed partial class MpscRing<T>
{
    private const long CompletedBit = 1L << 62;

    private readonly RingSlots<Slot> _slots;
    private readonly int _capacity;
    private readonly WaitStrategy _waitStrategy;
    private readonly SpaceWaiters _spaceWaiters = new();
    private readonly Func<bool> _hasItemsOrCompleted;

    // Each on its own cache line. _tail: the next position to claim (plus CompletedBit), CAS by producers.
    // _cachedHead: a recent _head, written by producers that found the ring full. _head: the next position to take,
    // written by the consumer only.
    private PaddedSequence _tail;
    private PaddedSequence _cachedHead;
    private PaddedSequence _head;
    private RingConsumerCounters _counters; // consumer-only; see RingCounters
    private int _chaseBackoff; // consumer-only: Thread.SpinWait iterations before the next drain (see NoteShortDrain)
    private const int MinChaseBackoff = 8;
    private const int MaxChaseBackoff = 256;

    /// <summary>Creates an empty ring.</summary>
    /// <param name="capacity">A power of two, at most 2^30.</param>
    /// <param name="waitStrategy">How the consumer waits (may be shared with other rings and wake sources); default
    /// a new <see cref="SpinThenParkWaitStrategy"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not a power of two in range.</exception>
    public MpscRing(int capacity, WaitStrategy? waitStrategy = null)
    {
        _slots = new RingSlots<Slot>(capacity, nameof(capacity));
        _capacity = capacity;
        for (long position = 0; position < capacity; position++)
        {
            _slots[position].Sequence = -1;
        }
        _waitStrategy = waitStrategy ?? WaitStrategy.CreateDefault();
        _hasItemsOrCompleted = HasItemsOrCompleted;
    }

    /// <summary>How many items the ring holds at most.</summary>
    public int Capacity => _capacity;

    /// <summary>How many items are claimed and not yet taken: exact on the consumer's thread when no producer is
    /// active, otherwise a snapshot that may already be stale.</summary>
    public int Count
    {
        get
        {
            long head = _head.Value;
            long tail = _tail.Value & ~CompletedBit;
            return (int)Math.Clamp(tail - head, 0, _capacity);
        }
    }

    /// <summary>Whether no item is claimed beyond the consumer's head. On the consumer's thread, <see langword="false"/>
    /// guarantees the next take succeeds. Use it (with <see cref="IsCompleted"/>) in a wait condition: it pairs with
    /// the wake every publish issues.</summary>
    public bool IsEmpty => !IsHeadPublished() && (_tail.Value & ~CompletedBit) == _head.Value;

    /// <summary>Whether <see cref="Complete"/> was called. Items published before it may still be waiting to be
    /// taken: the consumer is done when the ring is completed and empty.</summary>
    public bool IsCompleted => (_tail.Value & CompletedBit) != 0;

    /// <summary>The strategy the consumer waits with; share it to wake the consumer from other sources.</summary>
    public WaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>
    /// Refuses further items (for orderly shutdown): later <c>Try</c> publishes return <see langword="false"/>,
    /// <see cref="Publish"/> throws and <see cref="PublishAsync"/> faults with <see cref="RingCompletedException"/>,
    /// including those already waiting for space. Items published before completion are still drained. Wakes a
    /// parked consumer. Idempotent; any thread.
    /// </summary>
    public void Complete()
    {
        if ((_tail.Or(CompletedBit) & CompletedBit) == 0)
        {
            _waitStrategy.WakeAfterFence();
            _spaceWaiters.SignalAll();
        }
    }

    /// <summary>
    /// Blocks the consumer, through the ring's <see cref="WaitStrategy"/>, until an item can be taken (returns
    /// <see langword="true"/>) or the ring is completed and drained (returns <see langword="false"/>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool WaitForItems(CancellationToken cancellationToken = default)
    {
        if (IsHeadPublished())
        {
            return true;
        }
        while (true)
        {
            long tail = ReadTail();
            if ((tail & ~CompletedBit) != _head.Value)
            {
                return true;
            }
            if ((tail & CompletedBit) != 0)
            {
                return false;
            }
            _waitStrategy.WaitUntil(_hasItemsOrCompleted, cancellationToken);
        }
    }

    /// <summary>The spin iterations the next drain waits before reading slots (0 unless the last drain stopped at a slot
    /// producers are still writing). Consumer thread.</summary>
    internal int ChaseBackoff => _chaseBackoff;

    /// <summary>What the consumer did so far (zeros unless <see cref="RingCounters.Enabled"/>). Consumer thread, or
    /// after the consumer stopped.</summary>
    internal RingConsumerCounters Counters
    {
        get
        {
            var counters = _counters;
            if (_waitStrategy.Parker is { } parker)
            {
                counters.Parks = parker.Parks;
                counters.WakeUps = parker.WakeUps;
            }
            return counters;
        }
    }

    // The consumer's wait condition: the head slot's line first, the producers' claim line only when it is unpublished.
    private bool HasItemsOrCompleted()
    {
        if (RingCounters.Enabled)
        {
            _counters.WaitPolls++;
        }
        return IsHeadPublished() || ReadTail() != _head.Value;
    }

    // The consumer's reads of the claim cursor, counted: each may pull the producers' hottest line to this core.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long ReadTail()
    {
        if (RingCounters.Enabled)
        {
            _counters.TailReads++;
        }
        return _tail.Value;
    }

    // Reads only the head slot's line, which the consumer reads anyway to take the item.
    private bool IsHeadPublished()
    {
        long head = _head.Value;
        return Volatile.Read(ref _slots[head].Sequence) == head;
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }
}
