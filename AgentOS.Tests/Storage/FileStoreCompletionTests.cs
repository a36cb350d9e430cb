using System.Globalization;
using AgentOS.Storage;
using AgentOS.Storage.Files;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage;

/// <summary>
/// How a synced group is acknowledged: in work items of <c>CommitCompletion.Capacity</c> commits, single writers
/// resuming inline there. Checked with more writers than one work item holds, mixing single writes with batches and
/// deletes: every write gets its own result once; a failed sync fails every commit of its group and acknowledges none
/// (and a reopened store has none of them); and a writer that blocks inside its continuation stalls nobody for good.
/// </summary>
public sealed class FileStoreCompletionTests
{
    private const int Writers = 100;

    [Test(TimeoutSeconds = 120)]
    public async Task AFailedSyncFailsEveryCommitOfItsGroupAndNoneIsAcknowledged()
    {
        var device = new FaultInjectingDevice();
        int rounds = 3;
        await using (var store = FileStore.Open(device))
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (int r = 0; r < rounds; r++)
                {
                    var entry = await store.WriteAsync(Key(w), StorageContractTests.Stamp(w, r, 64));
                    Assert.Equal(r + 1, entry.Version, $"{Key(w)}'s write {r} is its own");
                }
            })));
            device.FailSyncsFrom = device.Syncs;
            var failing = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                await ((w % 10) switch
                {
                    0 => (Task)store.CommitAsync(new StorageBatch().Write(Key(w), StorageContractTests.Stamp(w, rounds, 64)).Write(Key(w) + "/more", StorageContractTests.Stamp(w, rounds, 8))).AsTask(),
                    1 => store.DeleteAsync(Key(w)).AsTask(),
                    _ => store.WriteAsync(Key(w), StorageContractTests.Stamp(w, rounds, 64)).AsTask(),
                });
            })).ToList();
            foreach (var write in failing)
            {
                var error = await Assert.ThrowsAsync<StorageException>(() => write, "a commit after the failed sync is not acknowledged");
                Assert.True(error is StorageFailedException or StorageUnavailableException, $"a typed storage error, not {error.GetType().Name}");
            }
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.WriteAsync(Key(0), new byte[1]).AsTask(), "the store stops after a failed sync");
        }
        device.FailSyncsFrom = null;
        await using var reopened = FileStore.Open(device.PowerLoss(new Random(3)));
        for (int w = 0; w < Writers; w++)
        {
            var latest = Assert.NotNull(await reopened.StatAsync(Key(w)), $"{Key(w)} kept its acknowledged writes");
            Assert.Equal(rounds, latest.Version, $"{Key(w)} has exactly its acknowledged versions");
            Assert.Null(await reopened.StatAsync(Key(w) + "/more"), "the failed batch left nothing");
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AWriterBlockingInsideItsContinuationStallsNobodyForGood()
    {
        using var folder = new Helpers.TempDirectory("agentos-completion");
        await using var store = FileStore.Open(folder.Path);
        int writes = TestEnvironment.Scale(20, 200);
        var versions = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            int last = 0;
            for (int i = 0; i < writes; i++)
            {
                last = (await store.WriteAsync(Key(w), StorageContractTests.Stamp(w, i, 32))).Version;
                if (w % 16 == 0)
                {
                    // Sync over async in the continuation, which runs on the work item acknowledging its group: it
                    // waits for a later sync, which the flusher must make without waiting for this work item.
                    _ = store.WriteAsync(Key(w) + "/blocking", StorageContractTests.Stamp(w, i, 32)).AsTask().Result;
                }
            }
            return last;
        })));
        Assert.SequenceEqual(Enumerable.Repeat(writes, Writers), versions, "every writer's last write is its own and in order");
    }

    private static string Key(int writer) => "completion/" + writer.ToString(CultureInfo.InvariantCulture);
}
