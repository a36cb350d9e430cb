using AgentOS.Memory;
using AgentOS.Storage;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Storage;
using AgentOS.Time;

namespace AgentOS.Tests.Memory;

/// <summary>
/// Relaxed changes join batches of the memory log instead of one storage write each (issue 20: that write was the
/// whole cost of a relaxed add). What must hold: few writes for many changes; the log still replays every change in
/// its order (relaxed and durable interleaved, over a crash); a relaxed change followed by nothing is written within
/// the batch delay; a batch's failed write stops the store taking changes, as a failed entry's does.
/// </summary>
public sealed class MemoryRelaxedLogTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static MemoryStoreOptions Options() => new() { BlockSize = 4096, BlocksPerSlab = 4, GlobalLimitBytes = 1 << 20, AgentQuotaBytes = 1 << 30, CheckpointEntries = 1 << 20 };

    [Test(TimeoutSeconds = 60)]
    public async Task RelaxedChangesShareFewLogWritesAndReplayInOrderAfterACrash()
    {
        var store = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage, time: new ManualTimeProvider());
        var random = new Random(20);
        var model = new Dictionary<string, (string Owner, string Content)>();
        int changes = 0;
        for (int step = 0; step < 1500; step++)
        {
            string owner = random.Next(2) == 0 ? "alice" : "bob";
            // Mostly relaxed, now and then a durable change that must land behind every relaxed one before it.
            var durability = random.Next(50) == 0 ? MemoryDurability.Durable : MemoryDurability.Relaxed;
            var mine = model.Where(m => m.Value.Owner == owner).Select(m => m.Key).ToList();
            int action = mine.Count < 5 ? 0 : random.Next(5);
            string text = $"{owner} {step} {durability}";
            switch (action)
            {
                case 0 or 1 or 2:
                    var added = await store.AddAsync(owner, text, ["t"], durability: durability);
                    model[added.Id] = (owner, text);
                    break;
                case 3:
                    string target = mine[random.Next(mine.Count)];
                    Assert.NotNull(await store.UpdateAsync(owner, target, text, ["u"], durability: durability));
                    model[target] = (owner, text);
                    break;
                default:
                    string gone = mine[random.Next(mine.Count)];
                    Assert.True(await store.RemoveAsync(owner, gone, durability));
                    model.Remove(gone);
                    break;
            }
            changes++;
        }
        // The last change durable: everything before it is in the log ahead of it.
        var last = await store.AddAsync("alice", "the last, durable", []);
        model[last.Id] = ("alice", "the last, durable");
        changes++;

        int logKeys = await LogKeysAsync();
        Assert.True(logKeys > 0, "the log holds the changes");
        Assert.True(logKeys * 4 < changes, $"{changes} changes, mostly relaxed, took {logKeys} log writes: relaxed changes are batched");

        // A crash: no flush, no dispose.
        await _fixture.RestartAsync();
        var reopened = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage);
        foreach (var (id, (owner, content)) in model)
        {
            var item = Assert.NotNull(await reopened.FindAsync(owner, id), $"item {id} of {owner} is missing after the crash");
            Assert.Equal(content, item.Content, $"item {id}");
        }
        Assert.Equal((long)model.Count, reopened.Statistics.Items, "removed items stay removed and nothing else appears");
        await reopened.DisposeAsync();
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ALoneRelaxedAddIsWrittenWhenTheBatchDelayPasses()
    {
        var time = new ManualTimeProvider();
        var store = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage, time: time);
        var item = await store.AddAsync("alice", "relaxed and alone", [], durability: MemoryDurability.Relaxed);
        Assert.Equal(0, await LogKeysAsync(), "the relaxed add waits in the open batch");

        time.Advance(MemoryLog.BatchDelay);
        await WaitForAsync(async () => await LogKeysAsync() == 1);

        await _fixture.RestartAsync();
        var reopened = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage);
        Assert.Equal("relaxed and alone", Assert.NotNull(await reopened.FindAsync("alice", item.Id)).Content);
        await reopened.DisposeAsync();
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AFullBatchIsWrittenAtOnceAndFlushLeavesNoLog()
    {
        var store = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage, time: new ManualTimeProvider());
        for (int i = 0; i < MemoryLog.BatchEntries; i++)
        {
            await store.AddAsync("alice", $"note {i}", [], durability: MemoryDurability.Relaxed);
        }
        // A full batch is one write, without waiting for the delay (the time never moves here).
        await WaitForAsync(async () => await LogKeysAsync() == 1);
        await store.AddAsync("alice", "one more", [], durability: MemoryDurability.Relaxed);
        await store.FlushAsync();
        Assert.SequenceEqual(["memory-log/state"], (await _fixture.Storage.ListAsync("memory-log/")).Select(e => e.Path));
        await store.DisposeAsync();

        var reopened = await BlockMemoryStore.OpenAsync(Options(), _fixture.Storage);
        Assert.Equal(MemoryLog.BatchEntries + 1L, reopened.Statistics.Items);
        await reopened.DisposeAsync();
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ABatchThatFailsToWriteStopsTheStoreTakingChanges()
    {
        var time = new ManualTimeProvider();
        var failing = new FailingLogStorage(_fixture.Storage);
        var store = await BlockMemoryStore.OpenAsync(Options(), failing, time: time);
        await store.AddAsync("alice", "durable first", []);
        failing.Fail = true;
        await store.AddAsync("alice", "relaxed, then its batch fails", [], durability: MemoryDurability.Relaxed);
        time.Advance(MemoryLog.BatchDelay);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.AddAsync("alice", "refused", []).AsTask());
        Assert.Equal(2L, store.CountItems("alice"), "the refused add changed nothing");
    }

    // Entries and batches of the log, not its state key.
    private async Task<int> LogKeysAsync() => (await _fixture.Storage.ListAsync("memory-log/")).Count(e => e.Path != "memory-log/state");

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        // The file store acknowledges on its own flusher thread: poll briefly (no timing is asserted).
        for (int i = 0; i < 2000 && !await condition(); i++)
        {
            await Task.Delay(5);
        }
        Assert.True(await condition(), "the condition held within 10 s");
    }

    private sealed class FailingLogStorage(IStorageBackend inner) : DelegatingStorage(inner)
    {
        public bool Fail { get; set; }

        public override ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
            Fail && key.StartsWith("memory-log/0", StringComparison.Ordinal)
                ? ValueTask.FromException<StorageEntry>(new StorageUnavailableException("the disk is gone (test)"))
                : Inner.WriteAsync(key, value, cancellationToken);
    }
}
