using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>The ring contract on <see cref="MpscRing{T}"/>, plus what only it has: completion, blocking and
/// asynchronous publishing, and draining into a struct consumer. Multi-producer stress is in
/// <see cref="MpscRingStressTests"/>.</summary>
public sealed class MpscRingTests : RingContractTests
{
    protected override TestRing<T> Create<T>(int capacity, WaitStrategy? waitStrategy = null) => new Adapter<T>(new MpscRing<T>(capacity, waitStrategy));

    [Test]
    public void CompleteRefusesNewItemsAndStillDrainsOldOnes()
    {
        var ring = new MpscRing<long>(8);
        Assert.True(ring.TryPublishBatch([1, 2]));
        ring.Complete();
        ring.Complete();
        Assert.True(ring.IsCompleted);
        Assert.False(ring.TryPublish(3));
        Assert.False(ring.TryPublishBatch([3, 4]));
        Assert.True(ring.TryPublishBatch([]), "an empty batch is a no-op even when completed");
        var ex = Assert.Throws<RingCompletedException>(() => ring.Publish(3));
        Assert.Contains("completed", ex.Message);
        Assert.Equal(2, ring.Count);
        Assert.True(ring.WaitForItems());
        var buffer = new long[8];
        Assert.Equal(2, ring.Drain(buffer));
        Assert.SequenceEqual([1L, 2], buffer[..2]);
        Assert.False(ring.WaitForItems(), "completed and drained");
        Assert.True(ring.IsEmpty);
    }

    [Test]
    public void CompleteWakesAParkedConsumer()
    {
        var ring = new MpscRing<long>(8, new BlockingWaitStrategy());
        bool? result = null;
        var consumer = Worker.Start(() => result = ring.WaitForItems());
        Thread.Sleep(20); // lets the consumer park first (not required for correctness either way)
        ring.Complete();
        consumer.Join();
        Assert.Equal(false, result);
    }

    [Test]
    public void PublishSpinsUntilThereIsRoom()
    {
        var ring = new MpscRing<long>(2);
        ring.Publish(1);
        ring.Publish(2);
        var producer = Worker.Start(() => ring.Publish(3));
        long taken = 0;
        while (taken < 3)
        {
            ring.WaitForItems();
            Assert.True(ring.TryTake(out long item));
            Assert.Equal(++taken, item);
        }
        producer.Join();
    }

    [Test]
    public void PublishAsyncCompletesSynchronouslyWhenThereIsRoom()
    {
        var ring = new MpscRing<long>(2);
        var task = ring.PublishAsync(1);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(1, ring.Count);
    }

    [Test]
    public async Task PublishAsyncWaitsWhileFullAndCompletesWhenTheConsumerTakes()
    {
        var ring = new MpscRing<long>(2);
        Assert.True(ring.TryPublishBatch([1, 2]));
        var pending = ring.PublishAsync(3);
        Assert.False(pending.IsCompleted, "a full ring makes the publish wait");
        Assert.True(ring.TryTake(out long first));
        Assert.Equal(1L, first);
        await pending;
        var rest = new long[4];
        Assert.Equal(2, ring.Drain(rest));
        Assert.SequenceEqual([2L, 3], rest[..2]);
    }

    [Test]
    public async Task PublishAsyncHonoursCancellationWhileWaiting()
    {
        var ring = new MpscRing<long>(1);
        Assert.True(ring.TryPublish(1));
        using var cancellation = new CancellationTokenSource();
        var pending = ring.PublishAsync(2, cancellation.Token);
        Assert.False(pending.IsCompleted);
        await cancellation.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await pending);
        Assert.True(ring.TryTake(out long item));
        Assert.Equal(1L, item);
        Assert.False(ring.TryTake(out _), "the cancelled item was not published");
    }

    [Test]
    public void PublishAsyncWithAnAlreadyCancelledTokenReturnsACancelledTask()
    {
        var ring = new MpscRing<long>(4);
        var task = ring.PublishAsync(1, new CancellationToken(canceled: true));
        Assert.True(task.IsCanceled);
        Assert.True(ring.IsEmpty, "nothing is published under an already-cancelled token");
    }

    [Test]
    public async Task PublishAsyncFaultsOnceTheRingIsCompleted()
    {
        var ring = new MpscRing<long>(1);
        Assert.True(ring.TryPublish(1));
        var waiting = ring.PublishAsync(2);
        Assert.False(waiting.IsCompleted);
        ring.Complete();
        await Assert.ThrowsAsync<RingCompletedException>(async () => await waiting);
        var late = ring.PublishAsync(3);
        Assert.True(late.IsFaulted);
        await Assert.ThrowsAsync<RingCompletedException>(async () => await late);
        Assert.True(ring.TryTake(out long item));
        Assert.Equal(1L, item);
        Assert.False(ring.WaitForItems());
    }

    [Test]
    public void PublishAsyncAndPublishAllocateNothingWhenThereIsRoom()
    {
        Skip.UnlessOptimized();
        var ring = new MpscRing<long>(64);
        var buffer = new long[64];
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                var task = ring.PublishAsync(i);
                if (!task.IsCompletedSuccessfully)
                {
                    Assert.Fail("a publish with room must complete synchronously");
                }
                ring.Publish(i);
                ring.Drain(buffer);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1) // round 0 warms up
            {
                Assert.Equal(0L, allocated, "bytes allocated by 10,000 PublishAsync + Publish + Drain");
            }
        }
    }

    [Test]
    public void DrainHandsItemsToAStructConsumerInOrder()
    {
        var ring = new MpscRing<long>(8);
        Assert.True(ring.TryPublishBatch([1, 2, 3, 4, 5]));
        var sum = new Summer();
        Assert.Equal(3, ring.Drain(ref sum, 3));
        Assert.Equal(6L, sum.Total);
        Assert.Equal(0, ring.Drain(ref sum, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Drain(ref sum, -1));
        Assert.Equal(2, ring.Drain(ref sum, 100));
        Assert.Equal(15L, sum.Total);
        Assert.Equal(5L, sum.Last);
    }

    [Test]
    public void ADrainStoppedByAProducerStillWritingBacksOffAFullBatchHalvesItAndIdleProducersResetIt()
    {
        var ring = new MpscRing<long>(16);
        var buffer = new long[8];
        Assert.True(ring.TryPublishBatch([1, 2]));
        Assert.Equal(MpscRing<long>.PublishResult.Published, ring.TryClaim(1, out long claimed)); // claimed, not yet written
        Assert.Equal(2, ring.Drain(buffer));
        Assert.Equal(8, ring.ChaseBackoff, "the drain stopped where a producer is writing: the next one waits first");
        Assert.True(ring.TryPublish(4)); // claimed behind the unwritten slot
        ring.Fill(claimed, 3);
        Assert.Equal(2, ring.Drain(buffer));
        Assert.SequenceEqual([3L, 4], buffer[..2]);
        Assert.Equal(0, ring.ChaseBackoff, "nothing claimed beyond the drain: producers are idle, no wait");

        Assert.True(ring.TryPublishBatch([5, 6, 7]));
        Assert.Equal(MpscRing<long>.PublishResult.Published, ring.TryClaim(1, out claimed));
        Assert.Equal(3, ring.Drain(buffer));
        Assert.Equal(8, ring.ChaseBackoff);
        ring.Fill(claimed, 8);
        Assert.True(ring.TryPublishBatch([9, 10]));
        Assert.Equal(MpscRing<long>.PublishResult.Published, ring.TryClaim(1, out claimed));
        Assert.Equal(3, ring.Drain(buffer), "a back-off delays the drain, it does not skip items");
        Assert.Equal(16, ring.ChaseBackoff, "still on the producers' heels: the wait doubles");
        ring.Fill(claimed, 11);
        Assert.True(ring.TryPublishBatch([12, 13]));
        Assert.Equal(2, ring.Drain(buffer.AsSpan(0, 2)));
        Assert.Equal(8, ring.ChaseBackoff, "a full batch: the consumer lags the producers, the wait halves");
        Assert.Equal(1, ring.Drain(buffer));
        Assert.Equal(13, buffer[0]);
        Assert.Equal(0, ring.ChaseBackoff, "nothing claimed beyond: idle producers reset it");
    }

    [Test]
    public void AConsumerThatThrowsLosesOnlyTheItemItThrewOn()
    {
        var ring = new MpscRing<long>(8);
        Assert.True(ring.TryPublishBatch([1, 2, 3, 4]));
        var thrower = new ThrowOn(2);
        Assert.Throws<InvalidOperationException>(() => ring.Drain(ref thrower, 8));
        Assert.Equal(2, ring.Count);
        Assert.True(ring.TryTake(out long next));
        Assert.Equal(3L, next);
    }

    private struct Summer : IRingConsumer<long>
    {
        public long Total;
        public long Last;

        public void Consume(in long item)
        {
            Total += item;
            Last = item;
        }
    }

    private readonly struct ThrowOn(long bad) : IRingConsumer<long>
    {
        public void Consume(in long item)
        {
            if (item == bad)
            {
                throw new InvalidOperationException($"cannot take {item}");
            }
        }
    }

    private sealed class Adapter<T>(MpscRing<T> ring) : TestRing<T>
    {
        public override int Capacity => ring.Capacity;
        public override int Count => ring.Count;
        public override bool IsEmpty => ring.IsEmpty;
        public override bool TryAdd(T item) => ring.TryPublish(item);
        public override bool TryAddBatch(ReadOnlySpan<T> items) => ring.TryPublishBatch(items);
        public override bool TryRemove(out T item) => ring.TryTake(out item!);
        public override int RemoveBatch(Span<T> destination) => ring.Drain(destination);
        public override void WaitForItems(CancellationToken cancellationToken = default) => ring.WaitForItems(cancellationToken);
    }
}
