using AgentOS.Scheduling;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Scheduling;

public sealed class IndexedHeapTests
{
    [Test]
    public void PopsByKeyThenBySequence()
    {
        using var heap = new IndexedHeap<string>(2);
        heap.Push("c", 3, 0);
        heap.Push("a2", 1, 5);
        heap.Push("b", 2, 1);
        heap.Push("a1", 1, 4);
        heap.Push("a0", 1, 9);
        var order = new List<string>();
        while (heap.TryPop(out var s))
        {
            order.Add(s);
        }
        // key 1 first in sequence order (4, 5, 9), then 2, then 3.
        Assert.SequenceEqual(["a1", "a2", "a0", "b", "c"], order);
    }

    [Test]
    public void RemoveAndUpdateAnyEntry()
    {
        using var heap = new IndexedHeap<string>();
        var handles = new Dictionary<string, int>();
        foreach (var (name, key) in new[] { ("p", 5.0), ("q", 1.0), ("r", 3.0), ("s", 4.0), ("t", 2.0) })
        {
            handles[name] = heap.Push(name, key, handles.Count);
        }
        Assert.Equal("r", heap.Remove(handles["r"]));
        Assert.False(heap.Contains(handles["r"]));
        heap.Update(handles["p"], 0.5);   // p jumps to the front
        heap.Update(handles["q"], 10);    // q sinks to the back
        Assert.Equal(0.5, heap.KeyOf(handles["p"]));
        var order = new List<string>();
        while (heap.TryPop(out var s))
        {
            order.Add(s);
        }
        Assert.SequenceEqual(["p", "t", "s", "q"], order);
        var stale = Assert.Throws<InvalidOperationException>(() => heap.Remove(handles["q"]));
        Assert.Contains("not in the heap", stale.Message);
    }

    [Test]
    public void NaNKeyIsRejectedAndNothingChanges()
    {
        using var heap = new IndexedHeap<string>();
        heap.Push("x", 1, 0);
        Assert.Throws<ArgumentException>(() => heap.Push("y", double.NaN, 1));
        Assert.Equal(1, heap.Count);
    }

    [Test]
    public void MatchesASortedReferenceUnderRandomOperations()
    {
        var random = new Random(1234);
        using var heap = new IndexedHeap<string>(4);
        var model = new SortedSet<(double Key, long Seq, string Name)>();
        var live = new Dictionary<string, (int Handle, double Key, long Seq)>();
        long seq = 0;
        for (int step = 0; step < TestEnvironment.Scale(20_000, 500_000); step++)
        {
            int op = random.Next(10);
            if (op < 5 || live.Count == 0)
            {
                var name = "n" + seq;
                double key = random.Next(50);
                live[name] = (heap.Push(name, key, seq), key, seq);
                model.Add((key, seq, name));
                seq++;
            }
            else if (op < 7)
            {
                Assert.True(heap.TryPop(out var popped));
                var expected = model.Min;
                Assert.Equal(expected.Name, popped);
                model.Remove(expected);
                live.Remove(popped);
            }
            else
            {
                var victim = live.Keys.ElementAt(random.Next(live.Count));
                var (handle, key, s) = live[victim];
                model.Remove((key, s, victim));
                if (op < 9)
                {
                    Assert.Equal(victim, heap.Remove(handle));
                    live.Remove(victim);
                }
                else
                {
                    double newKey = random.Next(50);
                    heap.Update(handle, newKey);
                    live[victim] = (handle, newKey, s);
                    model.Add((newKey, s, victim));
                }
            }
            Assert.Equal(model.Count, heap.Count);
        }
    }

    [Test]
    public void PushAndPopAllocateNothingInSteadyState()
    {
        Skip.UnlessOptimized();
        using var heap = new IndexedHeap<string>(1024);
        var item = "item";
        for (int warm = 0; warm < 3; warm++)
        {
            for (int i = 0; i < 1000; i++)
            {
                heap.Push(item, (i * 7919) % 1000, i);
            }
            while (heap.TryPop(out _))
            {
            }
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < 1000; i++)
            {
                int handle = heap.Push(item, (i * 7919) % 1000, i);
                if (i % 10 == 0)
                {
                    heap.Update(handle, -i);
                }
            }
            while (heap.TryPop(out _))
            {
            }
        }
        Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before, "bytes allocated by 100,000 push/pop pairs");
    }
}
