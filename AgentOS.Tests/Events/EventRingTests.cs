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
        var next = new long[publishers];
        long taken = 0;
        string? violation = null;
        var consumer = new Thread(() =>
        {
            while (taken < (long)publishers * perPublisher)
            {
                if (!ring.TakeOrWait(out var item))
                {
                    Thread.Yield(); // keeps the two cores for the publishers
                    continue;
                }
                if (item.Sequence != next[item.Publisher] && violation is null)
                {
                    violation = $"publisher {item.Publisher}: {item.Sequence} where {next[item.Publisher]} was due";
                }
                next[item.Publisher] = item.Sequence + 1;
                taken++;
            }
        }) { IsBackground = true };
        consumer.Start();
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
        consumer.Join();
        Assert.Null(violation, violation);
        Assert.True(ring.IsEmpty);
        Assert.Equal((long)publishers * perPublisher, ring.Tail);
    }

    [Test(TimeoutSeconds = 120)]
    public void StealingPublishersKeepTakenPlusDroppedEqualToPublished()
    {
        const int publishers = 4;
        int perPublisher = TestEnvironment.Scale(100_000, 2_000_000);
        var ring = new EventRing<(int Publisher, long Sequence)>(8);
        long dropped = 0;
        int publishing = publishers;
        var last = Enumerable.Repeat(-1L, publishers).ToArray();
        long taken = 0;
        string? violation = null;
        var consumer = new Thread(() =>
        {
            while (true)
            {
                if (!ring.TakeOrWait(out var item))
                {
                    if (Volatile.Read(ref publishing) == 0 && ring.IsEmpty)
                    {
                        return;
                    }
                    Thread.Yield();
                    continue;
                }
                if (item.Sequence <= last[item.Publisher] && violation is null)
                {
                    violation = $"publisher {item.Publisher}: {item.Sequence} after {last[item.Publisher]}";
                }
                last[item.Publisher] = item.Sequence;
                taken++;
            }
        }) { IsBackground = true };
        consumer.Start();
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
                        Interlocked.Increment(ref dropped);
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
        consumer.Join();
        Assert.Null(violation, violation);
        Assert.Equal((long)publishers * perPublisher, taken + dropped, "taken + dropped");
        Assert.True(taken > 0, "the consumer took something");
    }
}
