using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AgentOS.Queues;

/// <summary>
/// A bounded lock-free ring for exactly one producer thread and one consumer thread: no interlocked operation on
/// either side, and batch writes and reads that copy whole runs of slots.
/// </summary>
/// <typeparam name="T">The item type. Slots holding references are cleared as they are read.</typeparam>
/// <remarks>
/// <para><b>Protocol.</b> The producer alone writes <c>_tail</c> (the next position to write); the consumer alone
/// writes <c>_head</c> (the next position to read). Positions are 64-bit and never wrap.</para>
/// <list type="number">
/// <item><b>Write</b>: if the producer's cached copy of the head says the ring is full, refresh it from
/// <c>_head</c> (acquire) and give up if still full; store the items; release-write <c>_tail</c>, which publishes
/// them.</item>
/// <item><b>Read</b>: if the consumer's cached copy of the tail says the ring is empty (or, for a batch, holds less
/// than asked), refresh it from <c>_tail</c> (acquire); copy the items out, clearing references; release-write
/// <c>_head</c>, which hands the slots back.</item>
/// </list>
/// <para>The cached copies live on each side's private line, so the hot path reads the other side's line only when
/// the cache runs out: once per lap when the ring keeps up, once per batch when it does not. The release/acquire
/// pairs order item stores before their publication and item reads before their slots are reused.</para>
/// <para><b>Waking the consumer.</b> After publishing, the producer calls the strategy's
/// <see cref="Queues.WaitStrategy.Wake"/>, which fences and then reads the parked flag; the consumer raises its flag
/// with a full fence and then re-checks <c>_tail</c> (Dekker), so no wake-up is lost. That fence is the one cost a
/// parking strategy adds per write call (per batch for <see cref="TryWriteBatch"/>); the spinning strategies add
/// nothing.</para>
/// <para>Thread-safety: the producer members from one thread at a time, the consumer members from one thread at a
/// time. Nothing checks this; two concurrent producers corrupt the ring (use <see cref="MpscRing{T}"/>).</para>
/// </remarks>
public sealed class SpscRing<T>
{
    private readonly RingSlots<T> _slots;
    private readonly int _capacity;
    private readonly WaitStrategy _waitStrategy;
    private readonly Func<bool> _hasItems;

    // Each on its own cache line: the two shared cursors, and each side's private cache of the other's cursor.
    private PaddedSequence _tail;
    private PaddedSequence _head;
    private PaddedSequence _producerCachedHead;
    private PaddedSequence _consumerCachedTail;

    /// <inheritdoc cref="MpscRing{T}.MpscRing(int, WaitStrategy?)"/>
    public SpscRing(int capacity, WaitStrategy? waitStrategy = null)
    {
        _slots = new RingSlots<T>(capacity, nameof(capacity));
        _capacity = capacity;
        _waitStrategy = waitStrategy ?? WaitStrategy.CreateDefault();
        _hasItems = () => _tail.Value != _head.Value;
    }

    /// <summary>How many items the ring holds at most.</summary>
    public int Capacity => _capacity;

    /// <summary>How many items are written and not yet read (a snapshot while the other side is active).</summary>
    public int Count => (int)Math.Clamp(_tail.Value - _head.Value, 0, _capacity);

    /// <summary>Whether nothing is waiting to be read. Use it in a wait condition: it pairs with the wake every
    /// write issues.</summary>
    public bool IsEmpty => _tail.Value == _head.Value;

    /// <summary>The strategy the consumer waits with; share it to wake the consumer from other sources.</summary>
    public WaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>Writes <paramref name="item"/> if there is room. Producer thread only; never blocks.</summary>
    /// <returns><see langword="false"/> when the ring is full.</returns>
    public bool TryWrite(T item)
    {
        long tail = _tail.Value;
        if (!HasRoom(tail, 1))
        {
            return false;
        }
        _slots[tail] = item;
        _tail.Value = tail + 1;
        _waitStrategy.Wake();
        return true;
    }

    /// <summary>Writes all of <paramref name="items"/> in order, or none of them. Producer thread only; never blocks.</summary>
    /// <returns><see langword="false"/> (nothing written) when there is not room for all; <see langword="true"/> for an
    /// empty batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The batch is larger than <see cref="Capacity"/>.</exception>
    public bool TryWriteBatch(ReadOnlySpan<T> items)
    {
        if (items.Length > _capacity)
        {
            ThrowHelper.ThrowBatchLargerThanCapacity(items.Length, _capacity, nameof(items));
        }
        if (items.IsEmpty)
        {
            return true;
        }
        long tail = _tail.Value;
        if (!HasRoom(tail, items.Length))
        {
            return false;
        }
        var first = _slots.Run(tail, items.Length);
        items[..first.Length].CopyTo(first);
        items[first.Length..].CopyTo(_slots.Run(tail + first.Length, items.Length - first.Length));
        _tail.Value = tail + items.Length;
        _waitStrategy.Wake();
        return true;
    }

    /// <summary>Reads the oldest item if there is one. Consumer thread only.</summary>
    /// <returns><see langword="false"/> when the ring is empty.</returns>
    public bool TryRead([MaybeNullWhen(false)] out T item)
    {
        long head = _head.Value;
        if (head == _consumerCachedTail.Value && head == RefreshTail())
        {
            item = default;
            return false;
        }
        ref T slot = ref _slots[head];
        item = slot;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot = default!;
        }
        _head.Value = head + 1;
        return true;
    }

    /// <summary>Reads up to <c>destination.Length</c> items, oldest first. Consumer thread only.</summary>
    /// <returns>How many items were read: 0 when the ring is empty.</returns>
    public int ReadBatch(Span<T> destination)
    {
        long head = _head.Value;
        long available = _consumerCachedTail.Value - head;
        if (available < destination.Length)
        {
            available = RefreshTail() - head;
        }
        int count = (int)Math.Min(available, destination.Length);
        if (count == 0)
        {
            return 0;
        }
        var first = _slots.Run(head, count);
        var second = _slots.Run(head + first.Length, count - first.Length);
        first.CopyTo(destination);
        second.CopyTo(destination[first.Length..]);
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            first.Clear();
            second.Clear();
        }
        _head.Value = head + count;
        return count;
    }

    /// <summary>Blocks the consumer, through the ring's <see cref="WaitStrategy"/>, until an item can be read.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void WaitForItems(CancellationToken cancellationToken = default)
    {
        while (IsEmpty)
        {
            _waitStrategy.WaitUntil(_hasItems, cancellationToken);
        }
    }

    private bool HasRoom(long tail, int count)
    {
        long wrapPoint = tail + count - _capacity; // the write fits once the head has reached this position
        if (wrapPoint <= _producerCachedHead.Value)
        {
            return true;
        }
        long head = _head.Value;
        _producerCachedHead.Value = head;
        return wrapPoint <= head;
    }

    private long RefreshTail()
    {
        long tail = _tail.Value;
        _consumerCachedTail.Value = tail;
        return tail;
    }
}
