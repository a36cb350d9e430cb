using AgentOS.Bench.Harness;
using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Bench.Storage;

/// <summary>
/// Opening a store of 1,000,000 records (distinct keys, 100-byte values; 100,000 with <c>--quick</c>): with the
/// index checkpoint its clean close wrote, and, as the baseline, rebuilding the index by replaying the whole log
/// (the checkpoint deleted first). One operation = one open, until the store answers reads.
/// </summary>
internal static class StorageOpenBenchmarks
{
    private static (BenchFolder Folder, int Records)? _prepared;

    [Benchmark("storage.open.checkpoint", Baseline = "storage.open.replay", Runs = 5)]
    public static void WithCheckpoint(BenchRun run) => Open(run, deleteCheckpoint: false);

    [Benchmark("storage.open.replay", Runs = 5)]
    public static void Replay(BenchRun run) => Open(run, deleteCheckpoint: true);

    private static void Open(BenchRun run, bool deleteCheckpoint)
    {
        var (folder, records) = Prepare(run.Size(1_000_000, 100_000));
        if (deleteCheckpoint)
        {
            foreach (var file in Directory.EnumerateFiles(folder.Path, "checkpoint-*"))
            {
                File.Delete(file);
            }
        }
        GC.Collect();
        run.Start();
        var store = FileStore.Open(folder.Path);
        run.Stop(1);
        run.Report("records", store.Count);
        if (store.Count != records)
        {
            throw new InvalidOperationException($"the store opened with {store.Count} keys, not {records}");
        }
        store.DisposeAsync().AsTask().GetAwaiter().GetResult(); // writes the checkpoint again
    }

    private static (BenchFolder, int) Prepare(int records)
    {
        if (_prepared is { } ready && ready.Records == records)
        {
            return ready;
        }
        var folder = new BenchFolder("open");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        var value = new byte[100];
        var store = FileStore.Open(folder.Path);
        for (int start = 0; start < records; start += 10_000)
        {
            var batch = new StorageBatch();
            for (int i = start; i < Math.Min(records, start + 10_000); i++)
            {
                batch.Write($"bench/record-{i:D7}", value);
            }
            store.CommitAsync(batch).AsTask().GetAwaiter().GetResult();
        }
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _prepared = (folder, records);
        return (folder, records);
    }
}
