using System.Runtime.CompilerServices;

namespace AgentOS.Queues;

/// <content>The producers' side: claim, publish, wait for room.</content>
public sealed partial class MpscRing<T>
{
    /// <summary>Publishes <paramref name="item"/> if there is room. Never blocks.</summary>
    /// <returns><see langword="false"/> when the ring is full or completed (see <see cref="IsCompleted"/>).</returns>
    public bool TryPublish(T item) => TryPublishCore(item) == PublishResult.Published;

    /// <summary>Publishes all of <paramref name="items"/>, in order and contiguously, or none of them. Never blocks.</summary>
    /// <returns><see langword="false"/> (and nothing published) when there is not room for all of them or the ring is
    /// completed; <see langword="true"/> for an empty batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The batch is larger than <see cref="Capacity"/>, so it could never
    /// fit; nothing is published.</exception>
    public bool TryPublishBatch(ReadOnlySpan<T> items)
    {
        if (items.Length > _capacity)
        {
            ThrowHelper.ThrowBatchLargerThanCapacity(items.Length, _capacity, nameof(items));
        }
        if (items.IsEmpty)
        {
            return true;
        }
        if (TryClaim(items.Length, out long first) != PublishResult.Published)
        {
            return false;
        }
        for (int i = 0; i < items.Length; i++)
        {
            Fill(first + i, items[i]);
        }
        _waitStrategy.WakeAfterFence();
        return true;
    }

    /// <summary>Publishes <paramref name="item"/>, spinning (then yielding and sleeping) while the ring is full.</summary>
    /// <exception cref="RingCompletedException">The ring is completed.</exception>
    public void Publish(T item)
    {
        if (TryPublishCore(item) != PublishResult.Published)
        {
            PublishSpinning(item);
        }
    }

    /// <summary>
    /// Publishes <paramref name="item"/>, waiting asynchronously while the ring is full; the consumer wakes waiting
    /// producers as it frees slots. Completes synchronously, without allocating, when there is room.
    /// </summary>
    /// <returns>A task that completes once the item is published; cancelled (never thrown) when
    /// <paramref name="cancellationToken"/> is cancelled first, faulted with <see cref="RingCompletedException"/> when
    /// the ring is or becomes completed.</returns>
    public ValueTask PublishAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        return TryPublishCore(item) switch
        {
            PublishResult.Published => default,
            PublishResult.Completed => ValueTask.FromException(ThrowHelper.RingCompleted()),
            _ => PublishWhenRoomAsync(item, cancellationToken),
        };
    }

    private PublishResult TryPublishCore(T item)
    {
        var result = TryClaim(1, out long position);
        if (result == PublishResult.Published)
        {
            Fill(position, item);
            _waitStrategy.WakeAfterFence();
        }
        return result;
    }

    // Internal (not private) so tests can stage a slot that is claimed but not yet published.
    internal PublishResult TryClaim(int count, out long first)
    {
        long tail = _tail.Value;
        while (true)
        {
            if ((tail & CompletedBit) != 0)
            {
                first = 0;
                return PublishResult.Completed;
            }
            long wrapPoint = tail + count - _capacity; // the claim fits once the head has reached this position
            if (wrapPoint > _cachedHead.Value)
            {
                long head = _head.Value;
                if (wrapPoint > head)
                {
                    first = 0;
                    return PublishResult.Full; // a stale tail only under-states fullness, so this is never wrong
                }
                _cachedHead.Value = head; // racy but safe: every cached value is a past head, so it only errs towards "full"
            }
            long seen = _tail.CompareExchange(tail + count, tail);
            if (seen == tail)
            {
                first = tail;
                return PublishResult.Published;
            }
            tail = seen;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Fill(long position, T item)
    {
        ref Slot slot = ref _slots[position];
        slot.Item = item;
        Volatile.Write(ref slot.Sequence, position);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PublishSpinning(T item)
    {
        SpinWait spinner = default;
        while (true)
        {
            switch (TryPublishCore(item))
            {
                case PublishResult.Published:
                    return;
                case PublishResult.Completed:
                    ThrowHelper.ThrowRingCompleted();
                    break;
            }
            spinner.SpinOnce();
        }
    }

    private async ValueTask PublishWhenRoomAsync(T item, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room = _spaceWaiters.Register();
            switch (TryPublishCore(item)) // re-check after registering: a slot freed before the registration is seen here
            {
                case PublishResult.Published:
                    return;
                case PublishResult.Completed:
                    throw ThrowHelper.RingCompleted();
            }
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal enum PublishResult
    {
        Published,
        Full,
        Completed,
    }
}
