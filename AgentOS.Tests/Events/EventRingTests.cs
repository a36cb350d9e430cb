using AgentOS.Events;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Events;

/// <summary>The subscriber ring on its own: FIFO, full, steal-oldest, and exactly-once under many publishers.</summary>
public sealed class EventRingTests
{
    [Test]
    public void TakesInPublishOrderAndRefusesWhenFull()
    {
        var ring = new EventRing<int>(4);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryPublish(i), $"publish {i}");
        }
        Assert.False(ring.TryPublish(4), "a full ring refuses");
        Assert.Equal(4, ring.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TakeOrWait(out int item));
            Assert.Equal(i, item);
        }
        Assert.False(ring.TakeOrWait(out _), "empty");
        Assert.True(ring.IsEmpty);
        Assert.Equal(4L, ring.Tail);
        Assert.Equal(4L, ring.Head);
    }

    [Test]
    public void StealingRemovesTheOldestAndMakesRoom()
    {
        var ring = new EventRing<string>(4);
        foreach (var item in new[] { "a", "b", "c", "d" })
        {
            Assert.True(ring.TryPublish(item));
        }
        Assert.True(ring.TryStealOldest());
        Assert.True(ring.TryPublish("e"));
        Assert.True(ring.TryStealOldest());
        Assert.True(ring.TryPublish("f"));
        var taken = new List<string>();
        while (ring.TakeOrWait(out var item))
        {
            taken.Add(item);
        }
        Assert.SequenceEqual(["c", "d", "e", "f"], taken);
        Assert.False(ring.TryStealOldest(), "nothing to steal from an empty ring");
    }

    [Test]
    public void CapacityMustBeAPowerOfTwo() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EventRing<int>(3));

    [Test(TimeoutSeconds = 120)]
    public void ManyPublishersEveryItemTakenOnceInPublisherOrder()
    {
        const int publishers = 4;
        int perPublisher = TestEnvironment.Scale(100_000, 2_000_000);
        var ring = new EventRing<(int Publisher, long Sequence)>(1024);
        var taker = Taker.Start(ring, publishers, exact: true, finished: t => t == (long)publishers * perPublisher);
        PublisherThreads.Run(publishers, p =>
        {
            for (long i = 0; i < perPublisher; i++)
            {
                while (!ring.TryPublish((p, i)))
                {
                    Thread.Yield();
                }
            }
        });
        taker.Join();
        Assert.True(ring.IsEmpty);
        Assert.Equal((long)publishers * perPublisher, ring.Tail);
    }

    [Test(TimeoutSeconds = 120)]
    public void StealingPublishersKeepTakenPlusDroppedEqualToPublished()
    {
        const int publishers = 4;
        int perPublisher = TestEnvironment.Scale(100_000, 2_000_000);
        var ring = new EventRing<(int Publisher, long Sequence)>(8);
        long stolen = 0;
        long dropped = 0; // incoming items given up on
        int publishing = publishers;
        var taker = Taker.Start(ring, publishers, exact: false, finished: _ => Volatile.Read(ref publishing) == 0 && ring.IsEmpty);
        PublisherThreads.Run(publishers, p =>
        {
            for (long i = 0; i < perPublisher; i++)
            {
                if (ring.TryPublish((p, i)))
                {
                    continue;
                }
                bool published = false;
                for (int attempt = 0; attempt < 4 && !published; attempt++)
                {
                    if (ring.TryStealOldest())
                    {
                        Interlocked.Increment(ref stolen);
                    }
                    published = ring.TryPublish((p, i));
                }
                if (!published)
                {
                    Interlocked.Increment(ref dropped);
                }
            }
            Interlocked.Decrement(ref publishing);
        });
        long taken = taker.Join();
        Assert.Equal((long)publishers * perPublisher, taken + stolen + dropped, "taken + stolen + dropped");
        Assert.Equal(taken + stolen, ring.Head, "the head counts every take and every steal (the subscription's Dropped relies on it)");
        Assert.True(taken > 0, "the consumer took something");
    }

    /// <summary>The consumer thread: takes until <c>finished</c>, checking each publisher's order (exactly 0, 1, 2, ...
    /// or, when items may be dropped, strictly increasing).</summary>
    private sealed class Taker
    {
        private Thread _thread = null!;
        private long _taken;
        private string? _violation;

        public static Taker Start(EventRing<(int Publisher, long Sequence)> ring, int publishers, bool exact, Func<long, bool> finished)
        {
            var taker = new Taker();
            var last = Enumerable.Repeat(-1L, publishers).ToArray();
            taker._thread = new Thread(() =>
            {
                while (true)
                {
                    if (!ring.TakeOrWait(out var item))
                    {
                        if (finished(taker._taken))
                        {
                            return;
                        }
                        Thread.Yield(); // keeps the two cores for the publishers
                        continue;
                    }
                    long previous = last[item.Publisher];
                    if ((exact ? item.Sequence != previous + 1 : item.Sequence <= previous) && taker._violation is null)
                    {
                        taker._violation = $"publisher {item.Publisher}: {item.Sequence} after {previous}";
                    }
                    last[item.Publisher] = item.Sequence;
                    taker._taken++;
                }
            }) { IsBackground = true, Name = "ring consumer" };
            taker._thread.Start();
            return taker;
        }

        /// <summary>Waits for the consumer, asserts the order held, returns how many items it took.</summary>
        public long Join()
        {
            _thread.Join();
            Assert.Null(_violation, _violation);
            return _taken;
        }
    }
}
