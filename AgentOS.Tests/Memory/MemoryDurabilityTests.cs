using System.Buffers.Binary;
using System.IO.Compression;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Memory;
using AgentOS.Storage;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Storage;

namespace AgentOS.Tests.Memory;

/// <summary>
/// The memory store's write-ahead log: an acknowledged add, update or remove is in storage before the acknowledgement
/// (a store abandoned without a flush, as a crash leaves it, reopens with exactly the acknowledged state), ids are never
/// issued twice, the relaxed option says it is not durable, and memory files of the old and of a newer format have a
/// defined outcome. The SIGKILL loop through a real <c>serve</c> is <c>MemoryCrashTests</c>.
/// </summary>
public sealed class MemoryDurabilityTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Test(TimeoutSeconds = 120)]
    public async Task EveryAcknowledgedChangeSurvivesAStoreAbandonedWithoutAFlush()
    {
        // Checkpoints every 3 changes (blocks and log interleave) and practically never (the log alone).
        foreach (int checkpointEvery in new[] { 3, 1 << 20 })
        {
            await RandomHistoryWithCrashes(checkpointEvery, seed: checkpointEvery, steps: TestEnvironment.Scale(300, 3000));
        }
    }

    private async Task RandomHistoryWithCrashes(int checkpointEvery, int seed, int steps)
    {
        await _fixture.RestartAsync();
        foreach (var entry in await _fixture.Storage.ListAsync(""))
        {
            await _fixture.Storage.DeleteAsync(entry.Path);
        }
        var options = MemoryStoreFixture.Small(blocks: 3);
        options.CheckpointEntries = checkpointEvery;
        var random = new Random(seed);
        var model = new Dictionary<string, (string Owner, string Content)>();
        long highest = 0;
        var store = await _fixture.OpenAsync(options);
        for (int step = 0; step < steps; step++)
        {
            string owner = random.Next(2) == 0 ? "alice" : "bob";
            var mine = model.Where(m => m.Value.Owner == owner).Select(m => m.Key).ToList();
            int action = mine.Count < 3 ? 0 : random.Next(4);
            string text = $"{owner} step {step} " + new string((char)('a' + random.Next(26)), random.Next(10, 200));
            switch (action)
            {
                case 0 or 1:
                    var added = await store.AddAsync(owner, text, ["t" + step]);
                    long id = Number(added.Id);
                    Assert.True(id > highest, $"id {added.Id} issued after m{highest}");
                    highest = id;
                    model[added.Id] = (owner, text);
                    break;
                case 2:
                    string target = mine[random.Next(mine.Count)];
                    Assert.NotNull(await store.UpdateAsync(owner, target, text, ["u" + step]));
                    model[target] = (owner, text);
                    break;
                default:
                    string gone = mine[random.Next(mine.Count)];
                    Assert.True(await store.RemoveAsync(owner, gone));
                    model.Remove(gone);
                    break;
            }
            if (random.Next(40) == 0)
            {
                // A crash: the store is dropped as it is (no flush, no dispose; the storage it wrote through closes, so
                // nothing of it runs on), and a new one opens on the same files.
                await _fixture.RestartAsync();
                store = await _fixture.OpenAsync(options);
                await AssertHoldsExactly(store, model, $"checkpoint every {checkpointEvery}, after step {step}");
            }
        }
        await _fixture.RestartAsync();
        store = await _fixture.OpenAsync(options);
        await AssertHoldsExactly(store, model, $"checkpoint every {checkpointEvery}, at the end");
        var next = await store.AddAsync("alice", "after the last crash", []);
        long last = Number(next.Id);
        Assert.True(last > highest, $"the id issued after recovery ({next.Id}) is above every acknowledged one (m{highest})");
    }

    private static long Number(string id) => MemoryIds.TryParse(id, out long number) ? number : throw new AssertException($"'{id}' is not a memory id");

    private static async Task AssertHoldsExactly(BlockMemoryStore store, Dictionary<string, (string Owner, string Content)> model, string when)
    {
        foreach (var (id, (owner, content)) in model)
        {
            var item = await store.FindAsync(owner, id);
            Assert.Equal(content, Assert.NotNull(item, $"{when}: acknowledged item {id} of {owner} is missing").Content, $"{when}: item {id}");
        }
        Assert.Equal((long)model.Count, store.Statistics.Items, $"{when}: removed items stay removed and nothing else appears");
    }

    [Test]
    public async Task AnIdIsNeverIssuedTwiceEvenWhenARelaxedAddIsLost()
    {
        var losing = new LosingStorage(_fixture.Storage);
        var store = await BlockMemoryStore.OpenAsync(MemoryStoreFixture.Small(), losing);
        var kept = await store.AddAsync("alice", "kept", []);
        losing.Lose = true;
        // Acknowledged without waiting for its log write, which never reaches storage: a crash before the sync.
        var lost = await store.AddAsync("alice", "lost in the crash", [], durability: MemoryDurability.Relaxed);

        var reopened = await BlockMemoryStore.OpenAsync(MemoryStoreFixture.Small(), _fixture.Storage);
        Assert.Equal("kept", Assert.NotNull(await reopened.FindAsync("alice", kept.Id)).Content);
        Assert.Null(await reopened.FindAsync("alice", lost.Id), "the relaxed add was lost, as it may be");
        var after = await reopened.AddAsync("alice", "after the crash", []);
        long lostId = Number(lost.Id);
        long afterId = Number(after.Id);
        Assert.True(afterId > lostId, $"{after.Id} is issued after the crash; {lost.Id} was issued before it and must never name another item");
        await reopened.DisposeAsync();
    }

    [Test]
    public async Task FlushCheckpointsAndLeavesOnlyTheLogState()
    {
        var store = await _fixture.OpenAsync();
        var ids = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add((await store.AddAsync("alice", $"note {i}", [])).Id);
        }
        await store.RemoveAsync("alice", ids[3]);
        Assert.True((await _fixture.Storage.ListAsync("memory-log/")).Count > 20, "each change is a log entry until a checkpoint");
        await store.FlushAsync();
        Assert.SequenceEqual(["memory-log/state"], (await _fixture.Storage.ListAsync("memory-log/")).Select(e => e.Path));

        var reopened = await _fixture.OpenAsync();
        Assert.Equal(19L, reopened.Statistics.Items);
        Assert.Equal("note 19", Assert.NotNull(await reopened.FindAsync("alice", ids[19])).Content);
        Assert.Null(await reopened.FindAsync("alice", ids[3]));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheKernelSaysWhetherAChangeIsDurableAndRefusesAnUnknownDurability()
    {
        using var data = new TempDirectory("agentos-memory-durable");
        AccessPolicy Access() => AccessPolicy.CreateBuilder().AddGroup("agents", g => g.UseLlm("*")).AddAgent("alice", "agents").Build();
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, Access = Access() });
        try
        {
            SyscallRequest Add(string text, string? durability) => new() { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = text, Durability = durability } };
            var durable = (await kernel.Port.SubmitAsync(Add("durable by default", null))).Memory!;
            Assert.Equal(true, durable.Durable);
            var relaxed = (await kernel.Port.SubmitAsync(Add("relaxed on request", "relaxed"))).Memory!;
            Assert.Equal(false, relaxed.Durable);
            var update = (await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Update, Id = durable.Id, Content = "changed", Durability = "relaxed" } })).Memory!;
            Assert.Equal(false, update.Durable);
            var error = await Assert.ThrowsAsync<InvalidRequestException>(() => kernel.Port.SubmitAsync(Add("never stored", "sometimes")).AsTask());
            Assert.Contains("'durability'", error.Message);
            Assert.Equal(2L, kernel.Memory.CountItems("alice"), "the refused add changed nothing");
            var search = (await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Search, Text = "relaxed" } })).Memory!;
            Assert.Null(search.Durable, "a search changes nothing and says nothing about durability");
        }
        finally
        {
            await kernel.StopAsync();
        }

        // A store in memory only cannot make anything durable, and says so.
        await using var inMemory = await BlockMemoryStore.OpenAsync();
        var second = AgentKernel.Start(new KernelOptions { DataDirectory = data.Combine("second"), MemoryStore = inMemory, Access = Access() });
        try
        {
            var response = (await second.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = "x" } })).Memory!;
            Assert.Equal(false, response.Durable);
        }
        finally
        {
            await second.StopAsync();
        }
    }

    // A block as commit 2c35f17 stored it: [int used][Brotli], no format header, and no log at all.
    [Test]
    public async Task BlocksOfTheFormatBeforeTheLogOpenAndAreStampedWithTheLogFormat()
    {
        const string Content = "written before memory had a log";
        int size = MemoryRecord.Measure(Content, ["old"]);
        var record = new byte[size];
        MemoryRecord.Write(record, size, 7, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, 0.5f, Content, ["old"]);
        var stored = new byte[4 + BrotliEncoder.GetMaxCompressedLength(size)];
        BinaryPrimitives.WriteInt32LittleEndian(stored, size);
        Assert.True(BrotliEncoder.TryCompress(record, stored.AsSpan(4), out int written, 1, 22));
        await _fixture.Storage.WriteAsync("memory/nalice/000000000001", stored.AsMemory(0, 4 + written));

        var store = await _fixture.OpenAsync();
        var item = Assert.NotNull(await store.FindAsync("alice", "m7"));
        Assert.Equal(Content, item.Content);
        Assert.SequenceEqual(["old"], item.Tags);
        Assert.Null(await _fixture.Storage.ReadAsync("memory-log/state"), "opening changes nothing");
        var added = await store.AddAsync("alice", "new", []);
        Assert.NotNull(await _fixture.Storage.ReadAsync("memory-log/state"), "the first change wrote the log's state (its format)");
        Assert.True(Number(added.Id) > 7, $"the first new id ({added.Id}) follows the old ones");
    }

    [Test]
    public async Task MemoryFilesOfANewerFormatAreRefusedWithHowToMigrate()
    {
        await _fixture.Storage.WriteAsync("memory/nalice/000000000001", new byte[] { (byte)'A', (byte)'M', (byte)'B', 0xFF, 9, 0, 0, 0, 0, 1, 2, 3 });
        var block = await Assert.ThrowsAsync<MemoryFormatException>(() => _fixture.OpenAsync().AsTask());
        Assert.Contains("format 9", block.Message);
        Assert.Contains("newer AgentOS", block.Message);
        await _fixture.Storage.DeleteAsync("memory/nalice/000000000001");

        var state = new byte[22];
        "AOML"u8.CopyTo(state);
        BinaryPrimitives.WriteUInt16LittleEndian(state.AsSpan(4), 9);
        await _fixture.Storage.WriteAsync("memory-log/state", state);
        var log = await Assert.ThrowsAsync<MemoryFormatException>(() => _fixture.OpenAsync().AsTask());
        Assert.Contains("memory-log/state", log.Message);
        Assert.Contains("format 9", log.Message);
        await _fixture.Storage.DeleteAsync("memory-log/state");

        await _fixture.Storage.WriteAsync("memory-log/0000000000000000001", new byte[] { 9, 1, 0, 0 });
        var entry = await Assert.ThrowsAsync<MemoryFormatException>(() => _fixture.OpenAsync().AsTask());
        Assert.Contains("format 9", entry.Message);
    }

    /// <summary>Passes everything through, except that while <see cref="Lose"/> is set, log entry writes never reach
    /// storage and never complete: what a crash before their sync leaves.</summary>
    private sealed class LosingStorage(IStorageBackend inner) : DelegatingStorage(inner)
    {
        public bool Lose { get; set; }

        public override ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
            Lose && key.StartsWith("memory-log/0", StringComparison.Ordinal)
                ? new(new TaskCompletionSource<StorageEntry>().Task)
                : Inner.WriteAsync(key, value, cancellationToken);
    }
}
