using System.Runtime.CompilerServices;
using AgentOS.Queues;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Queues;

/// <summary>The contract every ring keeps, run against each ring through <see cref="TestRing{T}"/>.</summary>
public abstract class RingContractTests
{
    protected abstract TestRing<T> Create<T>(int capacity, WaitStrategy? waitStrategy = null);

    [Test]
    public void CapacityMustBeAPowerOfTwo()
    {
        foreach (int bad in new[] { 0, -1, -8, 3, 6, 1000, (1 << 30) + 1, int.MaxValue })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create<long>(bad), $"capacity {bad}");
            Assert.Equal("capacity", ex.ParamName);
            Assert.Contains("power of two", ex.Message);
        }
        foreach (int good in new[] { 1, 2, 1024 })
        {
            Assert.Equal(good, Create<long>(good).Capacity);
        }
    }

    [Test]
    public void ANewRingIsEmpty()
    {
        var ring = Create<long>(8);
        Assert.True(ring.IsEmpty);
        Assert.Equal(0, ring.Count);
        Assert.False(ring.TryRemove(out _));
        Assert.Equal(0, ring.RemoveBatch(new long[4]));
    }

    [Test]
    public void FillsToCapacityThenRefusesUntilAnItemIsTaken()
    {
        var ring = Create<long>(4);
        for (long i = 0; i < 4; i++)
        {
            Assert.True(ring.TryAdd(i), $"item {i}");
        }
        Assert.Equal(4, ring.Count);
        Assert.False(ring.TryAdd(4), "a full ring refuses");
        Assert.False(ring.TryAddBatch([4]), "a full ring refuses a batch");
        Assert.True(ring.TryRemove(out long first));
        Assert.Equal(0L, first);
        Assert.True(ring.TryAdd(4));
        var rest = new long[8];
        Assert.Equal(4, ring.RemoveBatch(rest));
        Assert.SequenceEqual([1L, 2, 3, 4], rest[..4]);
        Assert.True(ring.IsEmpty);
    }

    [Test]
    public void WrapsAroundOverManyLapsInFifoOrder()
    {
        var ring = Create<long>(8);
        var model = new Queue<long>();
        var random = new Random(12345);
        var buffer = new long[8];
        long next = 0;
        while (next < 8 * 50)
        {
            int add = random.Next(0, 9 - ring.Count);
            if (random.Next(2) == 0)
            {
                var batch = Enumerable.Range(0, add).Select(i => next + i).ToArray();
                Assert.True(ring.TryAddBatch(batch), $"a batch of {add} with {ring.Count} held");
                next += add;
                batch.ToList().ForEach(model.Enqueue);
            }
            else
            {
                for (int i = 0; i < add; i++)
                {
                    Assert.True(ring.TryAdd(next), $"item {next}");
                    model.Enqueue(next++);
                }
            }
            Assert.Equal(model.Count, ring.Count);
            int take = random.Next(0, model.Count + 1);
            if (random.Next(2) == 0)
            {
                Assert.Equal(take, ring.RemoveBatch(buffer.AsSpan(0, take)));
                for (int i = 0; i < take; i++)
                {
                    Assert.Equal(model.Dequeue(), buffer[i]);
                }
            }
            else
            {
                for (int i = 0; i < take; i++)
                {
                    Assert.True(ring.TryRemove(out long item));
                    Assert.Equal(model.Dequeue(), item);
                }
            }
        }
        Assert.Equal(model.Count, ring.RemoveBatch(buffer));
    }

    [Test]
    public void ABatchLargerThanCapacityIsRejectedWithAClearErrorAndChangesNothing()
    {
        var ring = Create<long>(8);
        Assert.True(ring.TryAddBatch([1, 2, 3]));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ring.TryAddBatch(new long[9]));
        Assert.Equal("items", ex.ParamName);
        Assert.Contains("batch of 9 items can never fit a ring of capacity 8", ex.Message);
        Assert.Contains("Nothing was published", ex.Message);
        Assert.Equal(3, ring.Count);
        Assert.True(ring.TryAddBatch(new long[5]), "the ring still accepts a batch that fits");
        var all = new long[8];
        Assert.Equal(8, ring.RemoveBatch(all));
        Assert.SequenceEqual([1L, 2, 3, 0, 0, 0, 0, 0], all);
    }

    [Test]
    public void ABatchWithoutRoomForAllIsRefusedWhole()
    {
        var ring = Create<long>(8);
        Assert.True(ring.TryAddBatch([0, 1, 2, 3, 4, 5]));
        Assert.False(ring.TryAddBatch([6, 7, 8]));
        Assert.Equal(6, ring.Count);
        Assert.True(ring.TryRemove(out _));
        Assert.True(ring.TryAddBatch([6, 7, 8]));
        var all = new long[8];
        Assert.Equal(8, ring.RemoveBatch(all));
        Assert.SequenceEqual([1L, 2, 3, 4, 5, 6, 7, 8], all);
    }

    [Test]
    public void AnEmptyBatchIsANoOp()
    {
        var ring = Create<long>(2);
        Assert.True(ring.TryAddBatch([]));
        Assert.True(ring.IsEmpty);
        Assert.True(ring.TryAddBatch([1, 2]));
        Assert.True(ring.TryAddBatch([]), "an empty batch fits even a full ring");
        Assert.Equal(2, ring.Count);
    }

    [Test]
    public void RemoveBatchTakesAtMostTheDestinationLength()
    {
        var ring = Create<long>(8);
        Assert.True(ring.TryAddBatch([1, 2, 3, 4, 5]));
        var two = new long[2];
        Assert.Equal(2, ring.RemoveBatch(two));
        Assert.SequenceEqual([1L, 2], two);
        Assert.Equal(0, ring.RemoveBatch([]));
        var rest = new long[8];
        Assert.Equal(3, ring.RemoveBatch(rest));
        Assert.SequenceEqual([3L, 4, 5], rest[..3]);
    }

    [Test]
    public void TakenReferencesAreNotKeptAlive()
    {
        var ring = Create<object>(4);
        var single = AddAndRemove(ring, batch: false);
        var batched = AddAndRemove(ring, batch: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(single.IsAlive, "an item taken one at a time is still referenced by its slot");
        Assert.False(batched.IsAlive, "an item taken in a batch is still referenced by its slot");
    }

    [Test]
    public void AddAndRemoveAllocateNothingInSteadyState()
    {
        Skip.UnlessOptimized();
        var longs = Create<long>(64);
        var strings = Create<string>(64);
        long[] batch = [1, 2, 3, 4, 5, 6, 7, 8];
        string[] words = ["a", "b", "c", "d"];
        var longBuffer = new long[16];
        var stringBuffer = new string[16];
        RoundTrips(longs, strings, batch, words, longBuffer, stringBuffer, rounds: 1_000); // warm up (tier-up, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(longs, strings, batch, words, longBuffer, stringBuffer, rounds: 10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0L, allocated, "bytes allocated by 10,000 rounds of single and batch adds and removes");
    }

    [Test]
    public void WaitForItemsReturnsWhenAnotherThreadAdds()
    {
        var ring = Create<long>(4, new BlockingWaitStrategy());
        var producer = Worker.Start(() =>
        {
            Thread.Sleep(20); // lets the consumer park first (not required for correctness either way)
            Assert.True(ring.TryAdd(42));
        });
        ring.WaitForItems();
        Assert.True(ring.TryRemove(out long item));
        Assert.Equal(42L, item);
        producer.Join();
    }

    [Test]
    public void WaitForItemsHonoursCancellation()
    {
        var ring = Create<long>(4, new BlockingWaitStrategy());
        using var cancellation = new CancellationTokenSource();
        var canceller = Worker.Start(() =>
        {
            Thread.Sleep(20);
            cancellation.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => ring.WaitForItems(cancellation.Token));
        canceller.Join();
    }

    /// <summary>One producer, one consumer, both mixing single and batch calls: the consumer sees exactly 0, 1, 2, ...</summary>
    [Test(TimeoutSeconds = 600)]
    public void OneProducerOneConsumerKeepExactOrder()
    {
        long total = TestEnvironment.Scale(300_000, 20_000_000);
        var ring = Create<long>(64);
        using var failed = new CancellationTokenSource();
        var producer = Worker.Start(() =>
        {
            var random = new Random(7);
            var batch = new long[16];
            long next = 0;
            var spinner = new SpinWait();
            while (next < total)
            {
                int n = (int)Math.Min(random.Next(1, batch.Length + 1), total - next);
                bool added;
                if (n == 1)
                {
                    added = ring.TryAdd(next);
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        batch[i] = next + i;
                    }
                    added = ring.TryAddBatch(batch.AsSpan(0, n));
                }
                if (added)
                {
                    next += n;
                    spinner.Reset();
                }
                else
                {
                    spinner.SpinOnce();
                }
            }
        }, "ordered producer", failed);

        var buffer = new long[32];
        long expected = 0;
        int round = 0;
        while (expected < total)
        {
            try
            {
                ring.WaitForItems(failed.Token);
            }
            catch (OperationCanceledException)
            {
                producer.Join(); // rethrows why the producer stopped
                throw;
            }
            if (++round % 3 == 0)
            {
                Assert.True(ring.TryRemove(out long item), "not empty, so a take succeeds");
                Assert.Equal(expected++, item);
                continue;
            }
            int n = ring.RemoveBatch(buffer.AsSpan(0, 1 + round % buffer.Length));
            Assert.True(n > 0, "not empty, so a batch takes at least one item");
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != expected)
                {
                    Assert.Equal(expected, buffer[i], $"item {expected} of {total}");
                }
                expected++;
            }
        }
        producer.Join();
        Assert.True(ring.IsEmpty);
    }

    private static void RoundTrips(TestRing<long> longs, TestRing<string> strings, long[] batch, string[] words,
        long[] longBuffer, string[] stringBuffer, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            longs.TryAdd(i);
            longs.TryAddBatch(batch);
            longs.TryRemove(out _);
            longs.RemoveBatch(longBuffer);
            strings.TryAdd(words[i & 3]);
            strings.TryAddBatch(words);
            strings.TryRemove(out _);
            strings.RemoveBatch(stringBuffer);
        }
    }

    // Not inlined, so the only references to the item are the ring's slot and the destination this method owns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AddAndRemove(TestRing<object> ring, bool batch)
    {
        var item = new object();
        var weak = new WeakReference(item);
        Assert.True(ring.TryAdd(item));
        if (batch)
        {
            var destination = new object[4];
            Assert.Equal(1, ring.RemoveBatch(destination));
            Assert.True(ReferenceEquals(item, destination[0]));
        }
        else
        {
            Assert.True(ring.TryRemove(out var taken));
            Assert.True(ReferenceEquals(item, taken));
        }
        return weak;
    }
}
