using AgentOS.Memory;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>Adds without storage run beside each other (per-agent locks under the gate's shared side) and beside the
/// operations that take the gate exclusively: nothing may be lost, duplicated, misplaced or over quota.</summary>
public sealed class MemoryConcurrencyTests
{
    private static MemoryStoreOptions InMemory(long agentQuota = 1L << 30) => new()
    {
        BlockSize = 1024,
        BlocksPerSlab = 4,
        GlobalLimitBytes = 64L << 20,
        AgentQuotaBytes = agentQuota,
    };

    [Test]
    public async Task ConcurrentAddsSearchesAndRemovesKeepEveryItemExactlyOnce()
    {
        int perThread = TestEnvironment.Stress ? 20_000 : 2_000;
        await using var store = await BlockMemoryStore.OpenAsync(InMemory());
        // Threads 0-3 add for agents of their own; threads 4 and 5 share one agent, so its lock is contended too.
        string[] owners = ["a0", "a1", "a2", "a3", "shared", "shared"];
        // Each adder publishes its items in its own array, then the count (so the churn task reads only whole entries).
        var added = new (string Owner, string Id, string Text)[owners.Length][];
        var published = new int[owners.Length];
        using var go = new Barrier(owners.Length + 2);
        var adders = Enumerable.Range(0, owners.Length).Select(t => Task.Factory.StartNew(() =>
        {
            var mine = added[t] = new (string, string, string)[perThread];
            go.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                // A token no other item has, so a search can prove the item is indexed; lengths vary so blocks fill
                // at different points and the slow path (a new block) interleaves with the fast one.
                string text = $"tok{t}x{i} " + new string('z', i % 97);
                long id = store.AppendAsync(owners[t], text, ["t"]).AsTask().GetAwaiter().GetResult();
                mine[i] = (owners[t], MemoryIds.Format(id), text);
                Volatile.Write(ref published[t], i + 1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        // Exclusive operations at the same time: searches (absorbing pending items), finds, removes, statistics.
        var removed = new HashSet<string>();
        var churn = Task.Factory.StartNew(() =>
        {
            go.SignalAndWait();
            var random = new Random(1);
            while (!adders.All(a => a.IsCompleted))
            {
                store.SearchAsync(["a0", "shared"], "tok0x1", 5).AsTask().GetAwaiter().GetResult();
                _ = store.Statistics;
                int t = random.Next(owners.Length);
                int count = Volatile.Read(ref published[t]);
                if (count == 0)
                {
                    continue;
                }
                var pick = added[t][random.Next(count)];
                if (removed.Contains(pick.Id))
                {
                    continue;
                }
                Assert.Equal(pick.Text, Assert.NotNull(store.FindAsync(pick.Owner, pick.Id).AsTask().GetAwaiter().GetResult()).Content);
                if (random.Next(4) == 0 && removed.Add(pick.Id))
                {
                    Assert.True(store.RemoveAsync(pick.Owner, pick.Id).AsTask().GetAwaiter().GetResult());
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        go.SignalAndWait();
        await Task.WhenAll(adders);
        await churn;

        var all = added.SelectMany(a => a).ToList();
        Assert.Equal(all.Count, all.Select(a => a.Id).Distinct().Count(), "ids issued");
        foreach (var (owner, id, text) in all)
        {
            var found = await store.FindAsync(owner, id);
            if (removed.Contains(id))
            {
                Assert.Null(found, $"{id} was removed");
            }
            else
            {
                Assert.Equal(text, Assert.NotNull(found, $"{owner} {id}").Content);
            }
        }
        foreach (string owner in owners.Distinct())
        {
            Assert.Equal((long)all.Count(a => a.Owner == owner && !removed.Contains(a.Id)), store.CountItems(owner), owner);
        }
        var statistics = store.Statistics;
        Assert.Equal((long)(all.Count - removed.Count), statistics.Items);
        Assert.Equal(statistics.Agents.Sum(a => a.Hits), statistics.Hits, "the store's hits are its agents' hits");
        // Every surviving item is indexed: its own token finds it first.
        foreach (var (owner, id, text) in all.Where(a => !removed.Contains(a.Id)).Take(300))
        {
            var result = await store.SearchAsync([owner], text.Split(' ')[0], 1, MemorySearchMode.Lexical);
            Assert.Equal(id, result.Items.Single().Id, text);
        }
    }

    // Without a log each agent issues ids from runs it takes from the store's counter (issue 20: one counter shared by
    // every add kept two agents from scaling). Ids stay unique across agents and rise per agent in the order of its
    // adds, through the fast path and the slow one (a new block every few adds here).
    [Test]
    public async Task IdsAreUniqueAcrossAgentsAndRisePerAgent()
    {
        int perThread = TestEnvironment.Stress ? 50_000 : 5_000;
        await using var store = await BlockMemoryStore.OpenAsync(InMemory());
        using var go = new Barrier(2);
        var ids = new long[2][];
        var adders = Enumerable.Range(0, 2).Select(t => Task.Factory.StartNew(() =>
        {
            var mine = ids[t] = new long[perThread];
            go.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                mine[i] = store.AppendAsync("agent" + t, $"note {t} {i} " + new string('q', i % 300), ["t"]).AsTask().GetAwaiter().GetResult();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(adders);
        for (int t = 0; t < 2; t++)
        {
            for (int i = 1; i < perThread; i++)
            {
                Assert.True(ids[t][i] > ids[t][i - 1], $"agent{t}'s id {ids[t][i]} (add {i}) rises above {ids[t][i - 1]}");
            }
        }
        Assert.Equal(2 * perThread, ids[0].Concat(ids[1]).Distinct().Count(), "distinct ids");
        for (int t = 0; t < 2; t++)
        {
            Assert.Equal((long)perThread, store.CountItems("agent" + t));
            var last = Assert.NotNull(await store.FindAsync("agent" + t, MemoryIds.Format(ids[t][^1])));
            Assert.True(last.Content.StartsWith($"note {t} {perThread - 1} ", StringComparison.Ordinal), "the last add is found by its id");
        }
    }

    [Test]
    public async Task ConcurrentAddsToOneAgentNeverPassItsQuota()
    {
        const string Text = "twenty bytes of text";
        int size = MemoryRecordSize(Text);
        const int Fit = 50;
        await using var store = await BlockMemoryStore.OpenAsync(InMemory(agentQuota: size * Fit + size / 2));
        int accepted = 0, refused = 0;
        using var go = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 40; i++)
            {
                try
                {
                    store.AppendAsync("alice", Text, []).AsTask().GetAwaiter().GetResult();
                    Interlocked.Increment(ref accepted);
                }
                catch (MemoryQuotaExceededException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
        Assert.Equal(Fit, accepted, "adds accepted");
        Assert.Equal(160 - Fit, refused, "adds refused");
        var alice = store.Statistics.Agents.Single();
        Assert.Equal((long)size * Fit, alice.LiveBytes);
        Assert.Equal((long)Fit, store.CountItems("alice"));
    }

    private static int MemoryRecordSize(string text) => MemoryRecord.Measure(text, []);
}
