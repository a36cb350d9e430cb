using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Memory;
using AgentOS.Sdk;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Memory;

/// <summary>Memory through the kernel: quotas as syscall errors, eviction across a kernel restart, permission
/// filtering of multi-owner searches, the memory queue's policies and deadlines, and status.</summary>
public sealed class KernelMemoryTests : IDisposable
{
    private readonly TempDirectory _data = new("agentos-kernel-memory");

    public void Dispose() => _data.Dispose();

    private AgentKernel Start(MemoryStoreOptions? memory = null, string policy = "sjf", TimeProvider? time = null, bool expire = true, IEmbedder? embedder = null)
    {
        var access = AccessPolicy.CreateBuilder()
            .AddGroup("agents", g => g.UseLlm("*"))
            .AddGroup("readers", g => g.ReadMemoryOf("alice"))
            .AddAgent("alice", "agents")
            .AddAgent("bob", "agents", "readers")
            .AddAgent("carol", "agents")
            .Build();
        return AgentKernel.Start(new KernelOptions
        {
            DataDirectory = _data.Path,
            Access = access,
            Memory = memory,
            MemoryPolicy = policy,
            TimeProvider = time ?? TimeProvider.System,
            ExpireAtDeadline = expire,
            Embedder = embedder,
        });
    }

    private static MemoryStoreOptions Tiny() => new() { BlockSize = 1024, BlocksPerSlab = 2, GlobalLimitBytes = 4096, HighWaterMark = 0.5 };

    [Test(TimeoutSeconds = 60)]
    public async Task EvictedItemsSurviveAKernelRestart()
    {
        var ids = new Dictionary<string, string>();
        var kernel = Start(Tiny());
        var alice = new AgentContext("alice", kernel.Port);
        for (int i = 0; i < 30; i++)
        {
            string text = $"fact {i}: " + new string((char)('a' + i % 26), 200);
            ids[await alice.Memory.AddAsync(text, ["fact"], importance: i / 30f)] = text;
        }
        Assert.True(kernel.Status.Memory.Evictions > 0, "the tiny limit must evict");
        await kernel.StopAsync();

        var again = Start(Tiny());
        try
        {
            alice = new AgentContext("alice", again.Port);
            foreach (var (id, text) in ids)
            {
                Assert.Equal(text, (await alice.Memory.GetAsync(id)).Content);
            }
            var found = await alice.Memory.SearchAsync("fact 7", limit: 1);
            Assert.Equal("fact 7: " + new string('h', 200), found.Single().Content);
            Assert.True(again.Status.Memory.Misses > 0, "reads after a restart reload blocks from storage");
        }
        finally
        {
            await again.StopAsync();
        }
    }

    [Test]
    public async Task AQuotaRejectionIsATypedSyscallErrorAndCounted()
    {
        await using var kernel = Start(new MemoryStoreOptions { AgentQuotaBytes = 500 });
        var alice = new AgentContext("alice", kernel.Port);
        await alice.Memory.AddAsync(new string('a', 300));
        var error = await Assert.ThrowsAsync<MemoryQuotaExceededException>(async () => await alice.Memory.AddAsync(new string('b', 300)));
        Assert.Contains("quota of 500 bytes", error.Message);
        var status = kernel.Status.Memory;
        Assert.Equal(1L, status.QuotaRejections);
        Assert.Equal(1L, status.Agents.Single(a => a.Agent == "alice").QuotaRejections);
    }

    [Test]
    public async Task AMultiOwnerSearchLeavesOutUngrantedOwnersBeforeRanking()
    {
        await using var kernel = Start();
        await new AgentContext("alice", kernel.Port).Memory.AddAsync("alice: the launch code is tea");
        await new AgentContext("carol", kernel.Port).Memory.AddAsync("carol: the launch code is coffee, launch launch launch");
        await new AgentContext("bob", kernel.Port).Memory.AddAsync("bob: no launch here");

        var bob = new AgentContext("bob", kernel.Port);
        var response = await bob.Memory.SearchAsync("launch code", ["alice", "bob", "carol"]);
        Assert.SequenceEqual(["carol"], response.Excluded!);
        Assert.True(response.Items.All(i => !i.Content.StartsWith("carol", StringComparison.Ordinal)));
        Assert.Equal("alice: the launch code is tea", response.Items[0].Content);
        Assert.Contains("lexical", response.Retrieval!);
        Assert.Contains("no embedder", response.Retrieval!);

        // Carol may read only her own.
        var carol = await new AgentContext("carol", kernel.Port).Memory.SearchAsync("launch", ["alice", "carol"]);
        Assert.SequenceEqual(["alice"], carol.Excluded!);
        Assert.Equal(1, carol.Items.Count);
    }

    [Test]
    public async Task WithAnEmbedderSearchIsHybridAndSaysSo()
    {
        await using var kernel = Start(embedder: new HashedNgramEmbedder(64));
        var alice = new AgentContext("alice", kernel.Port);
        await alice.Memory.AddAsync("configuration of eviction");
        var response = await alice.Memory.SearchAsync("configure evictions", ["alice"]);
        Assert.Contains("hybrid", response.Retrieval!);
        Assert.Equal(1, response.Items.Count);
        Assert.Contains("hybrid", kernel.Status.Memory.Retrieval);
    }

    // One slot, held by a first add; three more wait: a search over 20 items (cost 20), an add due in 1 s and an
    // add due in a minute (cost 1 each). Time passes 2 s before the slot frees, so the 1 s add misses its deadline
    // whatever runs first; the policy decides the order.
    private async Task<(string[] Order, AgentOS.Scheduling.ResourceQueueStatistics Queue)> PileUp(string policy)
    {
        var time = new ManualTimeProvider();
        await using var inner = await BlockMemoryStore.OpenAsync();
        var gated = new GatedMemoryStore(inner);
        var access = AccessPolicy.CreateBuilder().AddGroup("agents", g => g.UseLlm("*")).AddAgent("alice", "agents").Build();
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = _data.Path, Access = access, MemoryStore = gated, MemoryPolicy = policy, TimeProvider = time, ExpireAtDeadline = false });
        try
        {
            var alice = new AgentContext("alice", kernel.Port);
            for (int i = 0; i < 20; i++)
            {
                await alice.Memory.AddAsync($"item {i}");
            }
            gated.Hold = true;
            var first = alice.Memory.AddAsync("first").AsTask();
            await WaitUntil(() => kernel.Status.Queues["memory"].Running == 1);
            var search = alice.Memory.SearchAsync("item", ["alice"]).AsTask();
            var soon = alice.Memory.AddAsync("due soon", options: new SyscallOptions { Deadline = time.GetUtcNow().AddSeconds(1) }).AsTask();
            var later = alice.Memory.AddAsync("due later", options: new SyscallOptions { Deadline = time.GetUtcNow().AddMinutes(1) }).AsTask();
            await WaitUntil(() => kernel.Status.Queues["memory"].Waiting == 3);
            time.Advance(TimeSpan.FromSeconds(2));
            gated.Release();
            await Task.WhenAll(first, search, soon, later);
            return ([.. gated.Order.Skip(20)], kernel.Status.Queues["memory"]);
        }
        finally
        {
            await kernel.StopAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(1);
        }
    }

    [Test(TimeoutSeconds = 30)]
    public async Task TheMemoryQueueSchedulesBySjfEdfOrRrAndReportsDeadlineMisses()
    {
        var (sjf, sjfQueue) = await PileUp("sjf");
        Assert.SequenceEqual(["first", "due soon", "due later", "search:item"], sjf, "SJF: the two one-item adds before the 20-item search");
        var (edf, edfQueue) = await PileUp("edf");
        Assert.SequenceEqual(["first", "due soon", "due later", "search:item"], edf, "EDF: by deadline, none last");
        var (rr, rrQueue) = await PileUp("rr");
        Assert.SequenceEqual(["first", "search:item", "due soon", "due later"], rr, "RR: one flow, arrival order");
        foreach (var queue in new[] { sjfQueue, edfQueue, rrQueue })
        {
            Assert.Equal(1L, queue.DeadlinesMissed, queue.Policy);
            Assert.Equal(1L, queue.DeadlinesMet, queue.Policy);
        }
    }

    [Test]
    public async Task ASearchCostsTheItemsItScansAndAWriteOne()
    {
        await using var kernel = Start();
        var alice = new AgentContext("alice", kernel.Port);
        for (int i = 0; i < 7; i++)
        {
            await alice.Memory.AddAsync($"note {i}");
        }
        var estimator = new MemoryCostEstimator(kernel.Memory);
        Assert.Equal(7.0, estimator.Of(new MemoryQuery { Operation = MemoryOperation.Search, Text = "x" }, "alice"));
        Assert.Equal(7.0, estimator.Of(new MemoryQuery { Operation = MemoryOperation.Search, Text = "x", Owners = ["alice", "nobody"] }, "bob"));
        Assert.Equal(1.0, estimator.Of(new MemoryQuery { Operation = MemoryOperation.Add, Content = "short" }, "alice"));
        Assert.Equal(3.0, estimator.Of(new MemoryQuery { Operation = MemoryOperation.Add, Content = new string('x', 8192) }, "alice"));
    }

    [Test]
    public async Task TheStatusCarriesMemoryCountersPerAgentAndAsJson()
    {
        await using var kernel = Start();
        await new AgentContext("alice", kernel.Port).Memory.AddAsync("hello");
        var status = kernel.Status;
        var alice = status.Memory.Agents.Single(a => a.Agent == "alice");
        Assert.Equal(1L, alice.Items);
        Assert.True(alice.ResidentBytes > 0 && status.Memory.ResidentBytes >= alice.ResidentBytes);
        string json = JsonSerializer.Serialize(status, AgentOSJsonContext.Default.KernelStatus);
        using var document = JsonDocument.Parse(json);
        var memory = document.RootElement.GetProperty("memory");
        Assert.Equal(1, memory.GetProperty("items").GetInt32());
        Assert.Equal("alice", memory.GetProperty("agents")[0].GetProperty("agent").GetString());
        foreach (string key in new[] { "resident_bytes", "evicted_bytes", "hits", "misses", "quota_rejections", "retrieval" })
        {
            Assert.True(memory.TryGetProperty(key, out _), key);
        }
    }

    [Test]
    public async Task MemoryCountersAreInstrumentsOnTheKernelMeter()
    {
        var measured = new ConcurrentQueue<(string Name, long Value, string? Agent)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AgentOS.Kernel" && instrument.Name.StartsWith("agentos.memory.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            string? agent = null;
            foreach (var tag in tags)
            {
                agent = tag.Key == "agent" ? tag.Value as string : agent;
            }
            measured.Enqueue((i.Name, v, agent));
        });
        meters.Start();
        await using var kernel = Start(new MemoryStoreOptions { AgentQuotaBytes = 200 });
        var alice = new AgentContext("alice", kernel.Port);
        await alice.Memory.AddAsync("hello");
        await Assert.ThrowsAsync<MemoryQuotaExceededException>(async () => await alice.Memory.AddAsync(new string('x', 300)));
        meters.RecordObservableInstruments();
        var byName = measured.ToLookup(m => (m.Name, m.Agent), m => m.Value);
        Assert.Equal(kernel.Status.Memory.ResidentBytes, byName[("agentos.memory.resident_bytes", null)].Last());
        Assert.True(byName[("agentos.memory.resident_bytes", "alice")].Last() > 0);
        Assert.Equal(1L, byName[("agentos.memory.quota_rejections", "alice")].Last());
        foreach (string name in new[] { "evicted_bytes", "block_hits", "block_misses", "evictions" })
        {
            Assert.True(byName[("agentos.memory." + name, null)].Any(), name);
        }
    }

    [Test]
    public void TheConfigFileSetsMemoryLimitsAndRejectsBadOnes()
    {
        var config = KernelConfig.Parse("""{ "memory": { "global_limit_bytes": 1048576, "agent_quota_bytes": 65536, "over_quota": "evict", "lru_k": 3, "high_water_mark": 0.7 } }""");
        var memory = Assert.NotNull(config.ToOptions().Memory);
        Assert.Equal(1048576L, memory.GlobalLimitBytes);
        Assert.Equal(MemoryOverQuota.Evict, memory.OverQuota);
        Assert.Equal(3, memory.LruK);
        Assert.Equal(0.7, memory.HighWaterMark);
        var bad = Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "memory": { "high_water_mark": 1.5 } }"""));
        Assert.Contains("high_water_mark", bad.Message);
        Assert.Throws<KernelConfigException>(() => KernelConfig.Parse("""{ "memory": { "no_such_key": 1 } }"""));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheStatusCommandPrintsMemoryFromARunningKernel()
    {
        await using var kernel = Start();
        await new AgentContext("alice", kernel.Port).Memory.AddAsync("hello");
        var server = AgentOS.Hosting.Http.KernelHttpServer.Start(kernel, new AgentOS.Hosting.Http.HttpServerOptions { BearerToken = "memory-admin" });
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await Task.Run(() => AgentOS.Hosting.CommandLine.Run(["status", "--url", server.Url.ToString(), "--token", "memory-admin"], stdout, stderr));
            Assert.Equal(0, code, stderr.ToString());
            string printed = stdout.ToString();
            Assert.Contains("memory: 1 items, resident 65536 B", printed);
            Assert.Contains("memory retrieval: lexical (BM25; no embedder configured)", printed);
            Assert.Contains("agent alice: 1 items", printed);
            Assert.Contains("queue memory", printed);
        }
        finally
        {
            await server.DisposeAsync();
        }
        Assert.Equal(AgentOS.Hosting.CommandLine.UsageError, AgentOS.Hosting.CommandLine.Run(["status"], new StringWriter(), new StringWriter()));
    }
}
