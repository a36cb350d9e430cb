using AgentOS.Memory;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>
/// The id table of an agent's memory (a run of small pages, issue 20) must behave exactly like the
/// dictionary it replaced, across many pages (lower ids put back, as replay does), and must never hold an array large enough for the large-object heap.
/// </summary>
public sealed class ItemTableTests
{
    private static ItemLocation At(MemoryBlock block, long id) => new(block, (int)(id * 7 % 100_000));

    [Test(TimeoutSeconds = 120)]
    public void AddsUpdatesAndRemovesAgreeWithADictionaryAcrossManyPages()
    {
        var block = new MemoryBlock(1, new AgentMemory("a"));
        var other = new MemoryBlock(2, new AgentMemory("a"));
        var table = new ItemTable();
        var model = new Dictionary<long, ItemLocation>();
        var random = new Random(20);
        long next = 1;
        for (int step = 0; step < 120_000; step++)
        {
            int action = random.Next(10);
            if (action < 6 || model.Count == 0)
            {
                // Mostly rising ids (as the store issues them), some far apart (ids of other agents skipped).
                long id = next += random.Next(10) == 0 ? random.Next(1, 1000) : 1;
                table[id] = At(block, id);
                model[id] = At(block, id);
            }
            else
            {
                long id = random.Next(3) == 0 ? random.NextInt64(1, next + 10) : model.Keys.ElementAt(random.Next(Math.Min(model.Count, 64)));
                if (action < 8)
                {
                    Assert.Equal(model.Remove(id), table.Remove(id), $"removing {id}");
                }
                else
                {
                    // An update keeps the id and moves the record; replay puts a removed id back, below the newest.
                    table[id] = new ItemLocation(other, 5);
                    model[id] = new ItemLocation(other, 5);
                }
            }
            if (step % 10_000 == 0)
            {
                AssertSame(model, table);
            }
        }
        AssertSame(model, table);
        Assert.True(table.Count > 50_000, $"the table holds {table.Count} items, enough for many pages");
    }

    [Test(TimeoutSeconds = 120)]
    public void NoPageOfALargeTableReachesTheLargeObjectHeap()
    {
        var block = new MemoryBlock(1, new AgentMemory("a"));
        var table = new ItemTable();
        for (long id = 1; id <= 300_000; id++)
        {
            table[id] = At(block, id);
        }
        Assert.Equal(300_000, table.Count);
        // 32 bytes an entry: a page's entry array stays under the 85,000-byte large-object threshold.
        Assert.True(table.LargestPageCapacity * 32 < 85_000, $"a page holds {table.LargestPageCapacity} entries");
        for (long id = 1; id <= 300_000; id++)
        {
            Assert.True(table.TryGetValue(id, out var at) && at == At(block, id), $"item {id} is found where it was put");
        }
    }

    [Test]
    public void PendingIdsKeepTheirOrderAcrossChunks()
    {
        var pending = new PendingIds();
        var model = new List<long>();
        for (long id = 1; id <= 3 * PendingIds.ChunkLength + 5; id++)
        {
            pending.Add(id);
            model.Add(id);
        }
        pending.RemoveFirst(100);
        model.RemoveRange(0, 100);
        pending[3] = -3;
        model[3] = -3;
        pending.Truncate(PendingIds.ChunkLength + 1);
        model.RemoveRange(PendingIds.ChunkLength + 1, model.Count - PendingIds.ChunkLength - 1);
        for (long id = 0; id < 10; id++)
        {
            pending.Add(1_000_000 + id);
            model.Add(1_000_000 + id);
        }
        Assert.Equal(model.Count, pending.Count);
        for (int i = 0; i < model.Count; i++)
        {
            Assert.Equal(model[i], pending[i], $"pending id {i}");
        }
    }

    private static void AssertSame(Dictionary<long, ItemLocation> model, ItemTable table)
    {
        Assert.Equal(model.Count, table.Count);
        var all = table.ToArray();
        Assert.Equal(model.Count, all.Length);
        foreach (var (id, at) in all)
        {
            Assert.True(model.TryGetValue(id, out var expected) && expected == at, $"item {id} listed where the model has it");
        }
        foreach (var (id, at) in model)
        {
            Assert.True(table.ContainsKey(id) && table[id] == at, $"item {id} found");
        }
    }
}
