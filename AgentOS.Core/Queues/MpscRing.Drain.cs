using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AgentOS.Queues;

/// <content>The consumer's side: take, drain, free slots, wake producers awaiting room.</content>
public sealed partial class MpscRing<T>
{
    /// <summary>Takes the oldest item if there is one. Consumer thread only.</summary>
    /// <returns><see langword="false"/> when the ring is empty.</returns>
    public bool TryTake([MaybeNullWhen(false)] out T item)
    {
        long head = _head.Value;
        ref Slot slot = ref _slots[head];
        if (Volatile.Read(ref slot.Sequence) != head && !AwaitClaimed(ref slot, head))
        {
            item = default;
            return false;
        }
        item = slot.Item;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot.Item = default!;
        }
        Release(head + 1);
        if (RingCounters.Enabled)
        {
            _counters.Drains++;
            _counters.Items++;
        }
        return true;
    }

    /// <summary>Takes up to <c>destination.Length</c> items, oldest first, into <paramref name="destination"/>.
    /// Consumer thread only.</summary>
    /// <returns>How many items were taken: 0 when the ring is empty.</returns>
    public int Drain(Span<T> destination)
    {
        var sink = new SpanSink<T>(destination);
        return Drain(ref sink, destination.Length);
    }

    /// <summary>
    /// Hands up to <paramref name="maxItems"/> items, oldest first, to <paramref name="consumer"/> straight from their
    /// slots, then frees those slots in one step. Consumer thread only.
    /// </summary>
    /// <typeparam name="TConsumer">Preferably a struct, so the call is specialized and inlined.</typeparam>
    /// <returns>How many items were taken: 0 when the ring is empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is negative.</exception>
    public int Drain<TConsumer>(ref TConsumer consumer, int maxItems)
        where TConsumer : IRingConsumer<T>, allows ref struct
    {
        if (maxItems <= 0)
        {
            if (maxItems < 0)
            {
                ThrowHelper.ThrowNegativeMaxItems(maxItems, nameof(maxItems));
            }
            return 0;
        }
        if (_chaseBackoff != 0)
        {
            BackOff();
        }
        long head = _head.Value;
        ref Slot slot = ref _slots[head];
        if (Volatile.Read(ref slot.Sequence) != head && !AwaitClaimed(ref slot, head))
        {
            return 0;
        }
        long end = head + maxItems;
        long position = head;
        try
        {
            while (true)
            {
                position++; // counted as taken before the consumer sees it: an exception must not deliver it twice
                if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                {
                    T item = slot.Item;
                    slot.Item = default!;
                    consumer.Consume(in item);
                }
                else
                {
                    consumer.Consume(in slot.Item);
                }
                if (position == end)
                {
                    break;
                }
                slot = ref _slots[position];
                if (Volatile.Read(ref slot.Sequence) != position)
                {
                    break;
                }
            }
        }
        finally
        {
            Release(position);
            if (RingCounters.Enabled)
            {
                _counters.Drains++;
                _counters.Items += position - head;
            }
        }
        if (position == end)
        {
            _chaseBackoff >>= 1; // a full batch: the consumer lags the producers; keep half, so steady streaming stays batched
        }
        else
        {
            NoteShortDrain(position);
        }
        return (int)(position - head);
    }

    // The drain stopped at an unpublished slot before its limit. If producers have claimed beyond it, they are writing
    // the very lines the consumer is reading: back off before the next drain (growing while it keeps happening) so
    // they get ahead and the consumer reads finished lines in batches. If nothing is claimed beyond, the producers
    // are idle and the next drain should not wait.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoteShortDrain(long position)
    {
        if ((ReadTail() & ~CompletedBit) > position)
        {
            _chaseBackoff = Math.Clamp(_chaseBackoff * 2, MinChaseBackoff, MaxChaseBackoff);
        }
        else
        {
            _chaseBackoff = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BackOff()
    {
        if (RingCounters.Enabled)
        {
            _counters.Backoffs++;
            _counters.BackoffSpins += _chaseBackoff;
        }
        Thread.SpinWait(_chaseBackoff);
    }

    // The head slot is not published. If the tail has moved past it, a producer has claimed it and is between its
    // claim and its publish: wait for that producer (as ConcurrentQueue does) so that "not empty" always means "a take
    // succeeds". The wait is as long as the producer takes to write one item, unless it was preempted; spinning
    // yields the core then. Returns false when nothing is claimed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AwaitClaimed(ref Slot slot, long head)
    {
        if ((ReadTail() & ~CompletedBit) == head)
        {
            if (RingCounters.Enabled)
            {
                _counters.EmptyDrains++;
            }
            return false;
        }
        SpinWait spinner = default;
        while (Volatile.Read(ref slot.Sequence) != head)
        {
            if (RingCounters.Enabled)
            {
                _counters.ClaimedSpins++;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        return true;
    }

    private void Release(long head)
    {
        _head.Value = head;          // release: our reads and clears of the slots happen before any producer reuses them
        Interlocked.MemoryBarrier(); // store-load, paired with SpaceWaiters.Register: no lost wake-up for awaiting producers
        if (_spaceWaiters.HasWaiters)
        {
            _spaceWaiters.SignalAll();
        }
    }
}
