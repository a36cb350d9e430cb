using AgentOS.Memory;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>Blocks, quotas, the global limit, eviction and reload, compaction, and reopening from storage.</summary>
public sealed class BlockMemoryStoreTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Test]
    public async Task ItemsKeepTheirTextTagsTimeAndImportanceThroughGetUpdateAndRemove()
    {
        await using var store = await _fixture.OpenAsync();
        var added = await store.AddAsync("alice", "tea at five, ünïcode ok", ["habit", "drink"], 0.75f);
        var found = Assert.NotNull(await store.FindAsync("alice", added.Id));
        Assert.Equal(added.Content, found.Content);
        Assert.SequenceEqual(["habit", "drink"], found.Tags);
        Assert.Equal(added.Written, found.Written);
        Assert.Equal(0.75f, found.Importance);
        Assert.Null(await store.FindAsync("bob", added.Id));

        var updated = Assert.NotNull(await store.UpdateAsync("alice", added.Id, "coffee at six", ["habit"]));
        Assert.Equal(0.75f, updated.Importance);
        Assert.Equal("coffee at six", Assert.NotNull(await store.FindAsync("alice", added.Id)).Content);
        Assert.True(await store.RemoveAsync("alice", added.Id));
        Assert.False(await store.RemoveAsync("alice", added.Id));
        Assert.Null(await store.FindAsync("alice", added.Id));
        Assert.Equal(0L, store.Statistics.Agents.Single().LiveBytes);
    }

    [Test]
    public async Task AnItemLargerThanABlockIsRefusedAndNothingChanges()
    {
        await using var store = await _fixture.OpenAsync();
        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await store.AddAsync("alice", new string('x', 2000), []));
        Assert.Contains("block_size", error.Message);
        Assert.Equal(0L, store.Statistics.Items);
    }

    [Test]
    public async Task AnAgentOverItsQuotaGetsATypedErrorNamingTheQuotaAndNothingIsStored()
    {
        var options = MemoryStoreFixture.Small();
        options.AgentQuotaBytes = 300;
        await using var store = await _fixture.OpenAsync(options);
        await store.AddAsync("alice", new string('a', 200), []);
        var error = await Assert.ThrowsAsync<MemoryQuotaExceededException>(async () => await store.AddAsync("alice", new string('b', 200), []));
        Assert.Equal("agent:alice", error.Quota);
        Assert.Contains("agent_quota_bytes", error.Message);
        Assert.Equal(1L, store.Statistics.Items);
        Assert.Equal(1L, store.Statistics.QuotaRejections);
        // Another agent has its own quota.
        await store.AddAsync("bob", new string('b', 200), []);
    }

    [Test]
    public async Task WithoutEvictionTheGlobalLimitIsHard()
    {
        var options = MemoryStoreFixture.Small(blocks: 2);
        options.Eviction = false;
        await using var store = await _fixture.OpenAsync(options);
        await store.AddAsync("alice", new string('a', 900), []);
        await store.AddAsync("bob", new string('b', 900), []);
        var error = await Assert.ThrowsAsync<MemoryQuotaExceededException>(async () => await store.AddAsync("carol", new string('c', 900), []));
        Assert.Equal("global", error.Quota);
        Assert.Contains("global_limit_bytes", error.Message);
        Assert.Equal(2L, store.Statistics.Items);
    }

    [Test]
    public async Task AboveTheHighWaterMarkBlocksAreEvictedCompressedAndReloadedOnAccess()
    {
        var options = MemoryStoreFixture.Small(blocks: 4);
        options.HighWaterMark = 0.5; // two resident blocks at most
        await using var store = await _fixture.OpenAsync(options);
        var ids = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            ids.Add((await store.AddAsync("alice", $"note {i} " + new string((char)('a' + i), 300), [])).Id);
        }
        var stats = store.Statistics;
        Assert.True(stats.ResidentBytes <= stats.HighWaterBytes, $"resident {stats.ResidentBytes} > high water {stats.HighWaterBytes}");
        Assert.True(stats.Evictions > 0 && stats.EvictedBytes > 0);
        Assert.True(stats.EvictedBytes < 12 * 300, "evicted blocks are compressed");
        long misses = stats.Misses;
        Assert.Contains("note 0 ", Assert.NotNull(await store.FindAsync("alice", ids[0])).Content);
        Assert.Equal(misses + 1, store.Statistics.Misses);
    }

    [Test]
    public async Task OverQuotaWithEvictionSwapsTheAgentsOwnBlocks()
    {
        var options = MemoryStoreFixture.Small(blocks: 16);
        options.AgentQuotaBytes = 2048;
        options.OverQuota = MemoryOverQuota.Evict;
        await using var store = await _fixture.OpenAsync(options);
        await store.AddAsync("bob", "bob's only note", []);
        var ids = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            ids.Add((await store.AddAsync("alice", new string('a', 500), [])).Id);
        }
        var alice = store.Statistics.Agents.Single(a => a.Agent == "alice");
        Assert.True(alice.ResidentBytes <= 2048);
        Assert.True(alice.Evictions > 0);
        Assert.Equal(0L, store.Statistics.Agents.Single(a => a.Agent == "bob").Evictions);
        foreach (var id in ids)
        {
            Assert.NotNull(await store.FindAsync("alice", id));
        }
    }

    [Test]
    public async Task FreeingItemsCompactsNearlyEmptyBlocksAndReturnsThemToThePool()
    {
        var options = MemoryStoreFixture.Small(blocks: 64);
        await using var store = await _fixture.OpenAsync(options);
        var ids = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            ids.Add((await store.AddAsync("alice", $"item {i} " + new string('x', 200), [])).Id);
        }
        long before = store.Statistics.ResidentBytes;
        // Keep one item in four: every block falls under a quarter full and is folded into the chain's end.
        for (int i = 0; i < ids.Count; i++)
        {
            if (i % 4 != 0)
            {
                Assert.True(await store.RemoveAsync("alice", ids[i]));
            }
        }
        long after = store.Statistics.ResidentBytes;
        Assert.True(after < before / 2, $"resident {after} after freeing 3/4 of {before}");
        for (int i = 0; i < ids.Count; i += 4)
        {
            Assert.Contains($"item {i} ", Assert.NotNull(await store.FindAsync("alice", ids[i])).Content);
        }
    }

    // A store in memory only: with storage each add also writes a log entry (a durable add is an I/O).
    [Test]
    public async Task AddingToABlockWithRoomAllocatesNothing()
    {
        Skip.UnlessOptimized();
        var options = new MemoryStoreOptions { BlockSize = 1 << 20 };
        await using var store = await BlockMemoryStore.OpenAsync(options);
        IReadOnlyList<string> tags = ["note"];
        const string Text = "a short note about the weather";
        await store.AppendAsync("alice", Text, tags);
        store.Reserve("alice", 2_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            var adding = store.AppendAsync("alice", Text, tags, 0.5f);
            if (!adding.IsCompletedSuccessfully)
            {
                Assert.Fail("an add into a resident block with room must complete synchronously");
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0L, allocated, "bytes allocated by 1,000 adds into a block with room");
        Assert.Equal(1001L, store.Statistics.Items);
    }

    // Slabs live in native memory: taking new ones spends no GC budget (4 MB pinned arrays set off full collections
    // that marked the whole heap, issue 20). Here 20,000 adds fill about 40 blocks in 10 slabs of 256 KiB.
    [Test]
    public async Task NewSlabsAreNotAllocatedOnTheGcHeap()
    {
        Skip.UnlessOptimized();
        var options = new MemoryStoreOptions { BlockSize = 64 * 1024, BlocksPerSlab = 4 };
        await using var store = await BlockMemoryStore.OpenAsync(options);
        IReadOnlyList<string> tags = ["note"];
        string text = new('x', 100);
        await store.AppendAsync("alice", text, tags);
        store.Reserve("alice", 20_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            await store.AppendAsync("alice", text, tags, 0.5f);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long resident = store.Statistics.ResidentBytes;
        Assert.True(resident >= 2L << 20, $"the adds filled {resident} bytes of blocks");
        Assert.True(allocated < 64 * 1024, $"20,000 adds into {resident} bytes of blocks allocated {allocated} bytes of GC heap (the blocks' bytes are native)");
        Assert.Equal(20_001L, store.Statistics.Items);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task EveryItemSurvivesAnySequenceOfEvictionsReloadsAndReopens()
    {
        int rounds = TestEnvironment.Stress ? 20 : 3;
        for (int seed = 1; seed <= rounds; seed++)
        {
            await RandomHistory(seed, steps: TestEnvironment.Stress ? 3000 : 250);
        }
    }

    private async Task RandomHistory(int seed, int steps)
    {
        var random = new Random(seed);
        var options = MemoryStoreFixture.Small(blocks: 6);
        options.HighWaterMark = 0.5;
        options.LruK = 1 + seed % 3;
        string[] owners = ["alice", "bob", "carol"];
        var expected = new Dictionary<(string Owner, string Id), (string Content, string[] Tags)>();
        var store = await _fixture.OpenAsync(options);
        try
        {
            for (int step = 0; step < steps; step++)
            {
                string owner = owners[random.Next(owners.Length)];
                var mine = expected.Keys.Where(k => k.Owner == owner).ToList();
                int op = random.Next(10);
                if (op < 5 || mine.Count == 0)
                {
                    string content = $"{owner} {step} " + new string((char)('a' + random.Next(26)), random.Next(0, 400));
                    string[] tags = random.Next(2) == 0 ? [] : ["t" + random.Next(5)];
                    var item = await store.AddAsync(owner, content, tags);
                    expected[(owner, item.Id)] = (content, tags);
                }
                else if (op < 7)
                {
                    var key = mine[random.Next(mine.Count)];
                    var item = Assert.NotNull(await store.FindAsync(owner, key.Id));
                    Assert.Equal(expected[key].Content, item.Content);
                }
                else if (op < 8)
                {
                    var key = mine[random.Next(mine.Count)];
                    string content = $"updated {step} " + new string('u', random.Next(0, 300));
                    Assert.NotNull(await store.UpdateAsync(owner, key.Id, content, ["u"]));
                    expected[key] = (content, ["u"]);
                }
                else if (op < 9)
                {
                    var key = mine[random.Next(mine.Count)];
                    Assert.True(await store.RemoveAsync(owner, key.Id));
                    expected.Remove(key);
                }
                else
                {
                    // A restart: flush, then a new store on new storage objects over the same files.
                    await store.DisposeAsync();
                    await _fixture.RestartAsync();
                    store = await _fixture.OpenAsync(options);
                }
            }
            Assert.True(store.Statistics.Evictions > 0 || store.Statistics.Misses > 0, "the history must evict or reload");
            foreach (var ((owner, id), (content, tags)) in expected)
            {
                var item = await store.FindAsync(owner, id);
                Assert.NotNull(item, $"seed {seed}: {owner}/{id} was lost");
                Assert.Equal(content, item!.Content);
                Assert.SequenceEqual(tags, item.Tags);
            }
            Assert.Equal((long)expected.Count, store.Statistics.Items);
            // Search sees exactly the surviving items too.
            var all = await store.SearchAsync(owners, "alice bob carol updated", 1000);
            Assert.Equal(Math.Min(1000, expected.Count), all.Items.Count);
        }
        finally
        {
            await store.DisposeAsync();
        }
        await _fixture.RestartAsync();
        await using var reopened = await _fixture.OpenAsync(options);
        foreach (var ((owner, id), (content, _)) in expected)
        {
            Assert.Equal(content, Assert.NotNull(await reopened.FindAsync(owner, id)).Content);
        }
        Assert.Equal((long)expected.Count, reopened.Statistics.Items);
        // The next history starts from scratch.
        foreach (var (owner, id) in expected.Keys)
        {
            await reopened.RemoveAsync(owner, id);
        }
    }
}
