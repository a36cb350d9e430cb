using AgentOS.Bench.Harness;
using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Bench.Storage;

/// <summary>
/// Reads of the current version of 1 KB values spread over 10,000 keys, on one thread: through the read cache (all
/// keys fit) and from the file store itself (index lookup, positional read, checksum). One operation = one read.
/// </summary>
internal static class StorageReadBenchmarks
{
    private const int Keys = 10_000;

    private static readonly Lazy<(BenchFolder Folder, FileStore Store, CachingStorage Cache, string[] Keys)> Prepared = new(Prepare);

    [Benchmark("storage.read.cached", Baseline = "storage.read.uncached")]
    public static void Cached(BenchRun run) => Read(run, Prepared.Value.Cache);

    [Benchmark("storage.read.uncached")]
    public static void Uncached(BenchRun run) => Read(run, Prepared.Value.Store);

    private static void Read(BenchRun run, IStorageBackend store)
    {
        var keys = Prepared.Value.Keys;
        int reads = run.Size(2_000_000, 200_000);
        if (store is FileStore)
        {
            reads /= 10; // a positional read each: keep the run around a second
        }
        long bytes = 0;
        run.Start();
        for (int i = 0; i < reads; i++)
        {
            var pending = store.ReadAsync(keys[i % Keys]);
            var value = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            bytes += value!.Value.Data.Length;
        }
        run.Stop(reads);
        if (bytes != (long)reads * 1024)
        {
            throw new InvalidOperationException("a read returned the wrong size");
        }
    }

    private static (BenchFolder, FileStore, CachingStorage, string[]) Prepare()
    {
        var folder = new BenchFolder("reads");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        var store = FileStore.Open(folder.Path);
        var keys = Enumerable.Range(0, Keys).Select(i => $"bench/key-{i:D6}").ToArray();
        var value = new byte[1024];
        for (int start = 0; start < Keys; start += 1000)
        {
            var batch = new StorageBatch();
            for (int i = start; i < start + 1000; i++)
            {
                batch.Write(keys[i], value);
            }
            store.CommitAsync(batch).AsTask().GetAwaiter().GetResult();
        }
        var cache = new CachingStorage(store, 64L * 1024 * 1024);
        foreach (var key in keys)
        {
            cache.ReadAsync(key).AsTask().GetAwaiter().GetResult();
        }
        return (folder, store, cache, keys);
    }
}
