using AgentOS.Bench.Harness;
using AgentOS.Bench.Storage;
using AgentOS.Memory;
using AgentOS.Storage.Files;

namespace AgentOS.Bench.Memory;

/// <summary>
/// Durable memory adds with 64 concurrent writers (each awaits its add before the next, as an agent does), each add
/// acknowledged only once its log entry is synced through the file store's group commit, beside the file store's own
/// durable writes with 64 writers in the same run (<c>storage.write.group.64</c>). Items carry 1 KB of text, as the
/// storage benchmark's values are 1 KB. One operation = one acknowledged durable add.
/// </summary>
internal static class MemoryDurableBenchmarks
{
    [Benchmark("memory.add.durable.64", Baseline = "storage.write.group.64", MultiThreaded = true)]
    public static void Durable64(BenchRun run)
    {
        const int Writers = 64;
        int perWriter = run.Size(100, 20);
        using var folder = new BenchFolder("memory-durable");
        var files = FileStore.Open(folder.Path);
        var store = BlockMemoryStore.OpenAsync(new MemoryStoreOptions(), files).AsTask().GetAwaiter().GetResult();
        try
        {
            var random = new Random(1);
            string text = string.Join(' ', Enumerable.Range(0, 400).Select(_ => MemoryCorpus.Note(random)))[..1024];
            IReadOnlyList<string> tags = ["note"];
            StorageWriteBenchmarks.RunWriters(run, Writers, perWriter, async w =>
            {
                string owner = "writer-" + w;
                for (int i = 0; i < perWriter; i++)
                {
                    await store.AppendAsync(owner, text, tags).ConfigureAwait(false);
                }
            });
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            files.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
