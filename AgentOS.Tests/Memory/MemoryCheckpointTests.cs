using AgentOS.Memory;
using AgentOS.Storage;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Storage;

namespace AgentOS.Tests.Memory;

/// <summary>
/// A checkpoint copies the dirty blocks under the store's gate and compresses, writes and syncs them outside it
/// (issue 20: holding the gate through that stalled every add). What must hold: changes go on while a checkpoint's
/// write is held; a block changed after its copy was taken is written again; eviction never lets the checkpoint's
/// older copy land over its newer one; a crash with checkpoints in flight loses no acknowledged change and duplicates
/// nothing.
/// </summary>
public sealed class MemoryCheckpointTests : IDisposable
{
    private readonly MemoryStoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static string Text(string owner, int n) => $"{owner} item {n} " + new string((char)('a' + n % 26), 250);

    [Test(TimeoutSeconds = 60)]
    public async Task ChangesGoOnWhileACheckpointIsWrittenAndChangesAfterItsCopySurvive()
    {
        var storage = new HoldingStorage(_fixture.Storage);
        var options = MemoryStoreFixture.Small(blocks: 8);
        options.CheckpointEntries = 4;
        var store = await BlockMemoryStore.OpenAsync(options, storage);
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            ids.Add((await store.AddAsync("alice", Text("alice", i), ["t"])).Id);
        }
        storage.Hold = true;
        // The fourth change triggers a checkpoint; its block commit is held.
        ids.Add((await store.AddAsync("alice", Text("alice", 3), ["t"])).Id);
        await storage.Held.Task;

        // While the checkpoint's copies are held, the captured blocks change: an add, an update, a remove.
        var late = await store.AddAsync("alice", Text("alice", 4), ["late"]);
        Assert.NotNull(await store.UpdateAsync("alice", ids[0], "updated after the copy", ["u"]));
        // (Reaching here at all says they ran beside the held write: under the gate they would wait for it forever.)
        Assert.True(await store.RemoveAsync("alice", ids[1]));

        storage.Release();
        // The next checkpoint drops the log: from here the blocks alone must hold every change.
        await store.FlushAsync();
        Assert.Equal(0, await LogEntriesAsync(), "the flush truncated the log");
        await _fixture.RestartAsync();
        var reopened = await _fixture.OpenAsync(options);
        Assert.Equal("updated after the copy", Assert.NotNull(await reopened.FindAsync("alice", ids[0])).Content);
        Assert.Null(await reopened.FindAsync("alice", ids[1]), "removed after the copy, it stays removed");
        Assert.Equal(Text("alice", 2), Assert.NotNull(await reopened.FindAsync("alice", ids[2])).Content);
        Assert.Equal(Text("alice", 3), Assert.NotNull(await reopened.FindAsync("alice", ids[3])).Content);
        Assert.Equal(Text("alice", 4), Assert.NotNull(await reopened.FindAsync("alice", late.Id)).Content);
        Assert.Equal(4L, reopened.Statistics.Items);
        await reopened.DisposeAsync();
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AnEvictionDuringACheckpointIsNotOvertakenByTheCheckpointsOlderCopy()
    {
        var storage = new HoldingStorage(_fixture.Storage);
        // Two blocks of memory (three items each): bob's second block evicts alice's.
        var options = MemoryStoreFixture.Small(blocks: 2);
        options.CheckpointEntries = 2;
        var store = await BlockMemoryStore.OpenAsync(options, storage);
        var first = await store.AddAsync("alice", Text("alice", 0), ["t"]);
        storage.Hold = true;
        var second = await store.AddAsync("alice", Text("alice", 1), ["t"]);
        await storage.Held.Task;

        // Alice's block changes after its copy was taken, then bob's adds evict it.
        var third = await store.AddAsync("alice", Text("alice", 2), ["late"]);
        var bob = Task.Run(async () =>
        {
            for (int i = 0; i < 4; i++)
            {
                await store.AddAsync("bob", Text("bob", i), ["b"]);
            }
        });
        // Correct: the eviction waits for the held copy. Broken: it writes alice's newer copy now, and the held older
        // copy lands over it on release. (The wait only gives a broken store the chance; nothing is timed.)
        await Task.WhenAny(bob, Task.Delay(300));
        storage.Release();
        await bob;
        Assert.True(store.Statistics.Evictions > 0, "bob's adds evicted a block");

        await store.FlushAsync();
        Assert.Equal(0, await LogEntriesAsync(), "the flush truncated the log");
        await _fixture.RestartAsync();
        var reopened = await _fixture.OpenAsync(options);
        foreach (var (item, n) in new[] { (first, 0), (second, 1), (third, 2) })
        {
            Assert.Equal(Text("alice", n), Assert.NotNull(await reopened.FindAsync("alice", item.Id), $"alice's item {n} is lost").Content);
        }
        Assert.Equal(7L, reopened.Statistics.Items);
        await reopened.DisposeAsync();
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ACrashWithCheckpointsInFlightLosesNoAcknowledgedAddAndDuplicatesNothing()
    {
        var options = MemoryStoreFixture.Small(blocks: 6);
        options.CheckpointEntries = 16;
        options.AgentQuotaBytes = 1 << 30;
        for (int round = 0; round < 3; round++)
        {
            var store = await _fixture.OpenAsync(options);
            long before = store.Statistics.Items;
            var writers = new[] { "alice", "bob" }.Select(owner => Task.Run(async () =>
            {
                var added = new Dictionary<string, string>();
                for (int i = 0; i < 150; i++)
                {
                    // Mostly relaxed; every tenth durable, and the last: acknowledging it makes every change before it
                    // durable too (the log keeps their order).
                    var durability = i % 10 == 9 || i == 149 ? MemoryDurability.Durable : MemoryDurability.Relaxed;
                    string text = $"{owner} round {round} add {i}";
                    added[(await store.AddAsync(owner, text, ["r"], durability: durability)).Id] = text;
                }
                return (owner, added);
            })).ToList();
            var results = await Task.WhenAll(writers);

            // A crash: no flush, no dispose; the storage closes under whatever checkpoint is in flight.
            await _fixture.RestartAsync();
            var reopened = await _fixture.OpenAsync(options);
            foreach (var (owner, added) in results)
            {
                foreach (var (id, text) in added)
                {
                    Assert.Equal(text, Assert.NotNull(await reopened.FindAsync(owner, id), $"round {round}: {owner}'s {id} is lost").Content);
                }
            }
            Assert.Equal(before + 300, reopened.Statistics.Items, $"round {round}: nothing lost or duplicated");
            await reopened.DisposeAsync();
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ABackgroundCheckpointWhoseWriteFailsStopsTheStoreAndTheLogKeepsEveryChange()
    {
        var storage = new HoldingStorage(_fixture.Storage) { FailBlockCommits = true };
        var options = MemoryStoreFixture.Small(blocks: 8);
        options.CheckpointEntries = 3;
        var store = await BlockMemoryStore.OpenAsync(options, storage);
        var added = new List<MemoryItem>();
        StorageUnavailableException? refused = null;
        // The third change sets off a checkpoint whose block commit fails; the store then refuses changes.
        for (int i = 0; refused is null; i++)
        {
            try
            {
                added.Add(await store.AddAsync("alice", Text("alice", i), ["t"]));
            }
            catch (StorageUnavailableException ex)
            {
                refused = ex;
            }
            if (refused is null && i >= 3)
            {
                await Task.Yield();
            }
        }
        Assert.True(added.Count >= 3, "the changes before the checkpoint were taken");
        Assert.Contains("writing its log failed", refused.Message);
        Assert.Equal(Text("alice", 0), Assert.NotNull(await store.FindAsync("alice", added[0].Id)).Content, "reads still work");

        await _fixture.RestartAsync();
        var reopened = await _fixture.OpenAsync(options);
        foreach (var item in added)
        {
            Assert.Equal(item.Content, Assert.NotNull(await reopened.FindAsync("alice", item.Id)).Content);
        }
        Assert.Equal((long)added.Count, reopened.Statistics.Items);
        await reopened.DisposeAsync();
    }

    private async Task<int> LogEntriesAsync() =>
        (await _fixture.Storage.ListAsync("memory-log/")).Count(e => !e.Path.EndsWith("state", StringComparison.Ordinal));

    /// <summary>While <see cref="Hold"/> is set, the next commit that writes memory blocks (a checkpoint's) signals
    /// <see cref="Held"/> and waits for <see cref="Release"/>; everything else passes through.</summary>
    private sealed class HoldingStorage(IStorageBackend inner) : DelegatingStorage(inner)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Hold { get; set; }

        public bool FailBlockCommits { get; set; }

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release()
        {
            Hold = false;
            _release.TrySetResult();
        }

        public override async ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
        {
            bool blocks = batch.Operations.Any(o => o.Kind == StorageBatchOperationKind.Write && o.Key.StartsWith("memory/", StringComparison.Ordinal));
            if (FailBlockCommits && blocks)
            {
                throw new IOException("injected: the checkpoint's block commit failed");
            }
            if (Hold && blocks)
            {
                Held.TrySetResult();
                await _release.Task;
            }
            return await Inner.CommitAsync(batch, cancellationToken);
        }
    }
}
