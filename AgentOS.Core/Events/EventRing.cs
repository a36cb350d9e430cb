using System.Runtime.CompilerServices;
using AgentOS.Queues;

namespace AgentOS.Events;

/// <summary>
/// A subscriber's bounded ring: many publishers, one consumer (the subscriber's drain), and publishers that may take
/// the oldest item out themselves when the ring is full, which is how <see cref="OverflowPolicy.DropOldest"/> drops the
/// oldest event without ever waiting for the consumer.
/// </summary>
/// <typeparam name="T">The event type. Slots holding references are cleared as they are taken.</typeparam>
/// <remarks>
/// <para><b>Why not <see cref="MpscRing{T}"/>.</b> There the consumer reads a slot and only then moves its head,
/// which it alone owns, so no one else can ever remove an item; and its positions are private. Dropping the oldest
/// item needs a head that publishers can take from too, and the spill protocol needs the claim position
/// (<see cref="Tail"/>). So this ring is Vyukov's bounded queue (the one inside ConcurrentQueue): a sequence per slot
/// says whose turn it is, and both ends move by compare-and-swap.</para>
/// <para><b>Protocol.</b> Positions are 64-bit and never wrap. Slot <c>i</c>'s sequence starts at <c>i</c>. For the
/// position <c>p</c> that maps to a slot:</para>
/// <list type="bullet">
/// <item><c>sequence == p</c>: the slot is free for the publisher of <c>p</c>;</item>
/// <item><c>sequence == p + 1</c>: the item of <c>p</c> is published and may be taken;</item>
/// <item><c>sequence == p + capacity</c>: the item of <c>p</c> was taken; the slot is free for <c>p + capacity</c>.</item>
/// </list>
/// <list type="number">
/// <item><b>Publish</b>: read <c>_tail</c> = t; if the slot's sequence is t, CAS <c>_tail</c> t → t+1 (the claim),
/// write the item, release-write the sequence t+1. A sequence below t means the slot still holds the item of
/// t − capacity: the ring is full (or that item is being taken right now), and the publish fails.</item>
/// <item><b>Take</b> (the consumer) and <b>steal</b> (a publisher that found the ring full): read <c>_head</c> = h;
/// if the slot's sequence is h+1, CAS <c>_head</c> h → h+1, which makes the taker the slot's only owner; read (take)
/// or just clear (steal) the item; release-write the sequence h + capacity, handing the slot to its next publisher.
/// A lost CAS means another taker won h; the consumer retries at the new head, a stealer gives up.</item>
/// </list>
/// <para>No one ever waits for another thread except the consumer, and only for a publisher between its claim and
/// its sequence write (a few stores; see <see cref="IsEmpty"/>). Heads and tails only grow, so the CASes have no ABA
/// problem. The claim CAS is a full fence: once it succeeds, any thread that later reads <c>_tail</c> after a full
/// fence of its own sees the ring as not empty, which the drain's idle protocol relies on.</para>
/// </remarks>
internal sealed class EventRing<T>
{
    private readonly RingSlots<Slot> _slots;
    private readonly int _capacity;

    // Each on its own line. _tail: the next position to claim, CAS by publishers. _head: the next position to take,
    // CAS by the consumer and by stealing publishers (which touch it only when the ring is full).
    private PaddedSequence _tail;
    private PaddedSequence _head;

    /// <summary>Creates an empty ring of <paramref name="capacity"/> slots (a power of two, at least 2: with one
    /// slot "published at p" and "free for p + 1" would be the same sequence).</summary>
    public EventRing(int capacity)
    {
        _slots = new RingSlots<Slot>(capacity, nameof(capacity));
        _capacity = capacity;
        for (long position = 0; position < capacity; position++)
        {
            _slots[position].Sequence = position;
        }
    }

    public int Capacity => _capacity;

    /// <summary>How many positions have been claimed since the ring was created.</summary>
    public long Tail => _tail.Value;

    /// <summary>How many positions have been taken or stolen since the ring was created.</summary>
    public long Head => _head.Value;

    /// <summary>Items claimed and not yet taken: a snapshot.</summary>
    public int Count => (int)Math.Clamp(_tail.Value - _head.Value, 0, _capacity);

    /// <summary>Whether nothing is claimed beyond the head. "Not empty" may mean claimed but not yet published: the
    /// consumer then waits in <see cref="TakeOrWait"/> for that publisher, as ConcurrentQueue does.</summary>
    public bool IsEmpty => _tail.Value == _head.Value;

    /// <summary>Publishes <paramref name="item"/> if there is room. Never waits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPublish(in T item)
    {
        long tail = _tail.Value;
        while (true)
        {
            ref Slot slot = ref _slots[tail];
            long sequence = Volatile.Read(ref slot.Sequence);
            if (sequence == tail)
            {
                long seen = _tail.CompareExchange(tail + 1, tail);
                if (seen == tail)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, tail + 1);
                    return true;
                }
                tail = seen;
            }
            else if (sequence < tail)
            {
                return false; // the slot still holds the item one lap back
            }
            else
            {
                tail = _tail.Value; // another publisher claimed this position: catch up
            }
        }
    }

    /// <summary>
    /// Removes the oldest item without reading it, for a publisher that found the ring full. Never waits: returns
    /// <see langword="false"/> when the oldest item is being taken by someone else or is not published yet.
    /// </summary>
    public bool TryStealOldest()
    {
        long head = _head.Value;
        ref Slot slot = ref _slots[head];
        if (Volatile.Read(ref slot.Sequence) != head + 1 || _head.CompareExchange(head + 1, head) != head)
        {
            return false;
        }
        Free(ref slot, head);
        return true;
    }

    /// <summary>Takes the oldest item. Consumer only. Returns <see langword="false"/> only when nothing is claimed; a
    /// claimed item whose publisher has not finished writing it is waited for.</summary>
    public bool TakeOrWait(out T item)
    {
        long head = _head.Value;
        SpinWait spinner = default;
        while (true)
        {
            ref Slot slot = ref _slots[head];
            long sequence = Volatile.Read(ref slot.Sequence);
            if (sequence == head + 1)
            {
                long seen = _head.CompareExchange(head + 1, head);
                if (seen == head)
                {
                    item = slot.Item;
                    Free(ref slot, head);
                    return true;
                }
                head = seen; // a publisher stole it
            }
            else if (sequence <= head)
            {
                // Free for head: nothing published there. Empty, unless a publisher has claimed it and is still
                // writing; then wait for it (a few stores, unless it was preempted: spinning yields the core then).
                if (_tail.Value <= head)
                {
                    item = default!;
                    return false;
                }
                spinner.SpinOnce(sleep1Threshold: -1);
                head = _head.Value;
            }
            else
            {
                head = _head.Value; // stolen, and already reused by a later lap
            }
        }
    }

    // Hands the slot of position head, which the caller owns after winning the head CAS, to its next publisher.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Free(ref Slot slot, long head)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot.Item = default!;
        }
        Volatile.Write(ref slot.Sequence, head + _capacity);
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }
}
