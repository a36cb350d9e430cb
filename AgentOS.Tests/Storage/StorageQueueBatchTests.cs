using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage;

/// <summary>The storage queue hands the writes waiting behind a busy slot over together, and they commit with one sync.</summary>
public sealed class StorageQueueBatchTests
{
    [Test]
    public async Task WritesDrainedTogetherCommitWithOneSync()
    {
        using var data = new TempDirectory("agentos-storage-queue");
        var device = new FaultInjectingDevice();
        // Without group commit in the store, only the storage manager's batching can share a sync.
        var gated = new GatedStorage(FileStore.Open(device, new FileStoreOptions { GroupCommit = false }));
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, Storage = gated, StorageSlots = 1 });
        var agent = new AgentContext("alice", kernel.Port);
        kernel.RegisterIdentity("alice");

        // The first write holds the only slot; twenty more wait in the queue behind it.
        var first = agent.Storage.WriteTextAsync("agents/alice/first", "first").AsTask();
        await gated.Entered.Task;
        var waiting = Enumerable.Range(0, 20).Select(i => agent.Storage.WriteTextAsync($"agents/alice/f{i % 7}", "v" + i).AsTask()).ToList();
        while (kernel.Status.Queues["storage"].Waiting < 20)
        {
            await Task.Delay(1);
        }
        long syncsBefore = device.Syncs;
        gated.Release.SetResult();
        await first;
        var versions = await Task.WhenAll(waiting);

        Assert.Equal(1, gated.Commits, "the twenty queued writes went to the backend as one batch");
        Assert.Equal(20, gated.LargestBatch);
        Assert.Equal(2L, device.Syncs - syncsBefore, "one sync for the first write, one for the batch");
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i / 7 + 1, versions[i], $"write {i} of f{i % 7}");
        }
        Assert.Equal("v14", await agent.Storage.ReadTextAsync("agents/alice/f0"));
    }

    // Shortest job first by payload: writes queued behind a busy slot reach the backend smallest first (FIFO keeps
    // their arrival order).
    [Test]
    public async Task TheStorageQueueOrdersQueuedWritesByPayloadUnderSjf()
    {
        Assert.SequenceEqual(["small", "medium", "large"], await QueuedWriteOrder("sjf"));
        Assert.SequenceEqual(["large", "small", "medium"], await QueuedWriteOrder("fifo"));
    }

    private static async Task<IReadOnlyList<string>> QueuedWriteOrder(string policy)
    {
        using var data = new TempDirectory("agentos-storage-sjf");
        var gated = new GatedStorage(FileStore.Open(new FaultInjectingDevice()));
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.Path, Storage = gated, StorageSlots = 1, StoragePolicy = policy });
        kernel.RegisterIdentity("alice");
        var agent = new AgentContext("alice", kernel.Port);
        var first = agent.Storage.WriteTextAsync("agents/alice/first", "first").AsTask();
        await gated.Entered.Task;
        var writes = new[] { ("large", 64 * 1024), ("small", 10), ("medium", 8 * 1024) }
            .Select(w => agent.Storage.WriteTextAsync($"agents/alice/{w.Item1}", new string('x', w.Item2)).AsTask()).ToList();
        while (kernel.Status.Queues["storage"].Waiting < 3)
        {
            await Task.Delay(1);
        }
        gated.Release.SetResult();
        await first;
        await Task.WhenAll(writes);
        return [.. gated.Batched.Select(key => key["agents/alice/".Length..])];
    }

    /// <summary>Holds the first write until released; counts batch commits and records the keys they carried.</summary>
    private sealed class GatedStorage(IStorageBackend inner) : DelegatingStorage(inner)
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Commits { get; private set; }
        public int LargestBatch { get; private set; }
        public List<string> Batched { get; } = [];

        public override async ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task;
            return await Inner.WriteAsync(key, value, cancellationToken);
        }

        public override ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
        {
            Commits++;
            LargestBatch = Math.Max(LargestBatch, batch.Count);
            Batched.AddRange(batch.Operations.Select(o => o.Key));
            return Inner.CommitAsync(batch, cancellationToken);
        }

    }
}
