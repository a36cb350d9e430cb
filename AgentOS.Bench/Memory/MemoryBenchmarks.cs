using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Storage;
using AgentOS.Memory;
using AgentOS.Storage.Files;

namespace AgentOS.Bench.Memory;

/// <summary>
/// The memory manager: add and get throughput (against a plain <c>List&lt;T&gt;</c> of records), the cost of evicting
/// and of reloading one block through the file store, search latency over 10k and 100k items (lexical BM25 and exact
/// 384-dim vectors), and the memory each item costs against the same list.
/// </summary>
internal static class MemoryBenchmarks
{
    private static readonly IReadOnlyList<string> Tags = ["note"];

    /// <summary>The baseline item: what an agent would keep without a memory manager.</summary>
    private sealed record ListItem(long Id, string Content, string[] Tags, DateTimeOffset Written, float Importance);

    [Benchmark("memory.add", Baseline = "memory.add.list-baseline")]
    public static void Add(BenchRun run)
    {
        int n = run.Size(200_000, 20_000);
        var notes = Notes(n);
        var store = BlockMemoryStore.OpenAsync(new MemoryStoreOptions { GlobalLimitBytes = 4L << 30, AgentQuotaBytes = 4L << 30 }).AsTask().GetAwaiter().GetResult();
        int gen2 = GC.CollectionCount(2);
        var cpu = Environment.CpuUsage.TotalTime;
        run.Start();
        for (int i = 0; i < n; i++)
        {
            var adding = store.AppendAsync("a", notes[i], Tags, 0.5f);
            if (!adding.IsCompletedSuccessfully)
            {
                adding.AsTask().GetAwaiter().GetResult();
            }
        }
        run.Stop(n);
        ReportCpu(run, cpu, n, gen2);
    }

    // Two agents adding at once, each on its own thread: adds by different agents share no lock, so on two cores
    // this should approach twice memory.add's rate (ratio 2).
    [Benchmark("memory.add.2-agents", Baseline = "memory.add", MultiThreaded = true)]
    public static void AddTwoAgents(BenchRun run)
    {
        int n = run.Size(200_000, 20_000);
        var notes = Notes(n);
        var store = BlockMemoryStore.OpenAsync(new MemoryStoreOptions { GlobalLimitBytes = 4L << 30, AgentQuotaBytes = 4L << 30 }).AsTask().GetAwaiter().GetResult();
        using var start = new Barrier(3);
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            string owner = "agent-" + t;
            start.SignalAndWait();
            for (int i = t; i < n; i += 2)
            {
                var adding = store.AppendAsync(owner, notes[i], Tags, 0.5f);
                if (!adding.IsCompletedSuccessfully)
                {
                    adding.AsTask().GetAwaiter().GetResult();
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        var cpu = Environment.CpuUsage.TotalTime;
        run.Start();
        start.SignalAndWait();
        foreach (var thread in threads)
        {
            thread.Join();
        }
        run.Stop(n);
        ReportCpu(run, cpu, n);
    }

    // The explicit non-durable add of a store with storage: applied in memory and its log write queued, not waited for.
    [Benchmark("memory.add.relaxed", Baseline = "memory.add.list-baseline")]
    public static void AddRelaxed(BenchRun run)
    {
        int n = run.Size(50_000, 5_000);
        var notes = Notes(n);
        using var folder = new BenchFolder("memory-relaxed");
        var files = FileStore.Open(folder.Path);
        var store = BlockMemoryStore.OpenAsync(new MemoryStoreOptions { GlobalLimitBytes = 4L << 30, AgentQuotaBytes = 4L << 30 }, files).AsTask().GetAwaiter().GetResult();
        try
        {
            int gen2 = GC.CollectionCount(2);
            var cpu = Environment.CpuUsage.TotalTime;
            run.Start();
            for (int i = 0; i < n; i++)
            {
                var adding = store.AppendAsync("a", notes[i], Tags, 0.5f, MemoryDurability.Relaxed);
                if (!adding.IsCompletedSuccessfully)
                {
                    adding.AsTask().GetAwaiter().GetResult();
                }
            }
            run.Stop(n);
            ReportCpu(run, cpu, n, gen2);
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            files.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark("memory.add.list-baseline")]
    public static void AddList(BenchRun run)
    {
        int n = run.Size(200_000, 20_000);
        var notes = Notes(n);
        var list = new List<ListItem>();
        var now = DateTimeOffset.UtcNow;
        int gen2 = GC.CollectionCount(2);
        var cpu = Environment.CpuUsage.TotalTime;
        run.Start();
        for (int i = 0; i < n; i++)
        {
            list.Add(new ListItem(i, notes[i], ["note"], now, 0.5f));
        }
        run.Stop(n);
        ReportCpu(run, cpu, n, gen2);
        GC.KeepAlive(list);
    }

    // The process's CPU time over the timed region per operation (every thread: GC, the file store's flusher): on a
    // shared machine it moves far less with the neighbours' load than the wall-clock median does. The last run's.
    // The full (gen 2) collections the run set off are reported beside it, since they dominate an add's cost when they
    // happen.
    private static void ReportCpu(BenchRun run, TimeSpan before, long operations, int gen2Before = -1)
    {
        run.Report("cpu_ns_per_op", (Environment.CpuUsage.TotalTime - before).TotalNanoseconds / operations);
        if (gen2Before >= 0)
        {
            run.Report("gen2_gcs", GC.CollectionCount(2) - gen2Before);
        }
    }

    [Benchmark("memory.get", Baseline = "memory.get.list-baseline")]
    public static void Get(BenchRun run)
    {
        int n = run.Size(100_000, 10_000);
        var store = MemoryCorpus.Store(n, vectors: false);
        var random = new Random(3);
        var ids = Enumerable.Range(0, n).Select(_ => "m" + (1 + random.Next(n))).ToArray();
        run.Start();
        foreach (string id in ids)
        {
            _ = store.FindAsync("a", id).AsTask().GetAwaiter().GetResult();
        }
        run.Stop(n);
    }

    [Benchmark("memory.get.list-baseline")]
    public static void GetList(BenchRun run)
    {
        int n = run.Size(100_000, 10_000);
        var random = new Random(1);
        var now = DateTimeOffset.UtcNow;
        var byId = Enumerable.Range(1, n).ToDictionary(i => "m" + i, i => new ListItem(i, MemoryCorpus.Note(random), ["note"], now, 0));
        var ids = Enumerable.Range(0, n).Select(_ => "m" + (1 + random.Next(n))).ToArray();
        run.Start();
        foreach (string id in ids)
        {
            // The list's equivalent of Find: the record, copied out as the store's caller would get it.
            var item = byId[id];
            _ = item with { Tags = [.. item.Tags] };
        }
        run.Stop(n);
    }

    // Each add needs a new block (items of 0.6 block) and the store is at its high-water mark, so every add evicts
    // one dirty block: compress it and write it durably to the file store. The adds are relaxed (their log entries
    // are not waited for), so what is timed is the eviction, as before the log existed.
    [Benchmark("memory.evict.block", Kind = BenchKind.Latency, Runs = 5)]
    public static void Evict(BenchRun run)
    {
        int n = run.Size(400, 100);
        const int Block = 64 * 1024;
        WithFileStore(16, store =>
        {
            var random = new Random(5);
            string Big() => string.Join(' ', Enumerable.Range(0, 6000).Select(_ => MemoryCorpus.Note(random))).Substring(0, Block * 6 / 10);
            var texts = Enumerable.Range(0, n + 32).Select(_ => Big()).ToArray();
            for (int i = 0; i < 32; i++)
            {
                store.AppendAsync("a", texts[i], Tags, durability: MemoryDurability.Relaxed).AsTask().GetAwaiter().GetResult();
            }
            run.Start();
            for (int i = 32; i < texts.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                store.AppendAsync("a", texts[i], Tags, durability: MemoryDurability.Relaxed).AsTask().GetAwaiter().GetResult();
                run.Record(Stopwatch.GetTimestamp() - start);
            }
            run.Stop(n);
        });
    }

    // Reading an item of a random evicted block: read and decompress it (and drop a clean resident block for room).
    [Benchmark("memory.reload.block", Kind = BenchKind.Latency, Runs = 5)]
    public static void Reload(BenchRun run)
    {
        int n = run.Size(2_000, 300);
        WithFileStore(16, store =>
        {
            var random = new Random(6);
            var ids = new List<long>();
            for (int i = 0; i < 64 * 200; i++)
            {
                ids.Add(store.AppendAsync("a", MemoryCorpus.Note(random), Tags, durability: MemoryDurability.Relaxed).AsTask().GetAwaiter().GetResult());
            }
            // Every block stored once, so reloads and the evictions they cause only read.
            store.FlushAsync().AsTask().GetAwaiter().GetResult();
            long missesBefore = store.Statistics.Misses;
            run.Start();
            for (int i = 0; i < n; i++)
            {
                string id = "m" + ids[random.Next(ids.Count)];
                long start = Stopwatch.GetTimestamp();
                _ = store.FindAsync("a", id).AsTask().GetAwaiter().GetResult();
                run.Record(Stopwatch.GetTimestamp() - start);
            }
            run.Stop(n);
            run.Report("miss_ratio", (store.Statistics.Misses - missesBefore) / (double)n);
        });
    }

    private static void WithFileStore(int residentBlocks, Action<BlockMemoryStore> body)
    {
        string folder = Path.Combine(Path.GetTempPath(), "agentos-bench-memory-" + Guid.NewGuid().ToString("N"));
        var files = FileStore.Open(folder);
        try
        {
            var options = new MemoryStoreOptions { GlobalLimitBytes = residentBlocks * 64L * 1024, HighWaterMark = 1.0, BlocksPerSlab = 16 };
            var store = BlockMemoryStore.OpenAsync(options, files).AsTask().GetAwaiter().GetResult();
            body(store);
        }
        finally
        {
            files.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Benchmark("memory.search.lexical.10k", Kind = BenchKind.Latency)]
    public static void Lexical10k(BenchRun run) => Search(run, run.Size(10_000, 2_000), MemorySearchMode.Lexical);

    [Benchmark("memory.search.lexical.100k", Kind = BenchKind.Latency)]
    public static void Lexical100k(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Lexical);

    [Benchmark("memory.search.vector384.10k", Kind = BenchKind.Latency, Baseline = "memory.search.vector384.10k.fp32-baseline")]
    public static void Vector10k(BenchRun run) => Search(run, run.Size(10_000, 2_000), MemorySearchMode.Vector);

    [Benchmark("memory.search.vector384.10k.fp32-baseline", Kind = BenchKind.Latency)]
    public static void Vector10kFullScan(BenchRun run) => Search(run, run.Size(10_000, 2_000), MemorySearchMode.Vector, quantized: false);

    [Benchmark("memory.search.vector384.100k", Kind = BenchKind.Latency, Baseline = "memory.search.vector384.100k.fp32-baseline")]
    public static void Vector100k(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Vector);

    [Benchmark("memory.search.vector384.100k.fp32-baseline", Kind = BenchKind.Latency)]
    public static void Vector100kFullScan(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Vector, quantized: false);

    [Benchmark("memory.search.hybrid384.100k", Kind = BenchKind.Latency, Baseline = "memory.search.hybrid384.100k.fp32-baseline")]
    public static void Hybrid100k(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Hybrid);

    [Benchmark("memory.search.hybrid384.100k.fp32-baseline", Kind = BenchKind.Latency)]
    public static void Hybrid100kFullScan(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Hybrid, quantized: false);

    // The same searches over dense embeddings (every value non-zero, anisotropic: see DenseEmbedder), where the int8
    // bound prunes far less than on the sparse hashed n-grams. The bar is p50 at most 5 ms at 100k.
    [Benchmark("memory.search.dense384.10k", Kind = BenchKind.Latency, Baseline = "memory.search.dense384.10k.fp32-baseline")]
    public static void Dense10k(BenchRun run) => Search(run, run.Size(10_000, 2_000), MemorySearchMode.Vector, dense: true);

    [Benchmark("memory.search.dense384.10k.fp32-baseline", Kind = BenchKind.Latency)]
    public static void Dense10kFullScan(BenchRun run) => Search(run, run.Size(10_000, 2_000), MemorySearchMode.Vector, quantized: false, dense: true);

    [Benchmark("memory.search.dense384.100k", Kind = BenchKind.Latency, Baseline = "memory.search.dense384.100k.fp32-baseline,memory.search.dense384.100k.int8-avx2")]
    public static void Dense100k(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Vector, dense: true);

    // The int8 pre-scan on the 256-bit kernel, where the default is the 512-bit one (the same where AVX-512 is absent).
    [Benchmark("memory.search.dense384.100k.int8-avx2", Kind = BenchKind.Latency)]
    public static void Dense100kAvx2(BenchRun run)
    {
        VectorIndex.WideKernels = false;
        try
        {
            Search(run, run.Size(100_000, 10_000), MemorySearchMode.Vector, dense: true);
        }
        finally
        {
            VectorIndex.WideKernels = System.Runtime.Intrinsics.X86.Avx512BW.IsSupported;
        }
    }

    [Benchmark("memory.search.dense384.100k.fp32-baseline", Kind = BenchKind.Latency)]
    public static void Dense100kFullScan(BenchRun run) => Search(run, run.Size(100_000, 10_000), MemorySearchMode.Vector, quantized: false, dense: true);

    // quantized: the int8 pre-scan with exact fp32 rescoring (the default); off, the fp32 scan of every row it replaced,
    // on the same cached store. Vector runs report how many rows per query the int8 bound left to rescore.
    private static void Search(BenchRun run, int items, MemorySearchMode mode, bool quantized = true, bool dense = false)
    {
        var store = MemoryCorpus.Store(items, vectors: mode != MemorySearchMode.Lexical, dense);
        var random = new Random(9);
        var queries = Enumerable.Range(0, run.Size(200, 50)).Select(_ => MemoryCorpus.Query(random)).ToArray();
        string[] owners = ["a"];
        store.QuantizedVectorScan = quantized;
        long rescoredBefore = store.RescoredVectorRows;
        try
        {
            var cpu = Environment.CpuUsage.TotalTime;
            run.Start();
            foreach (string query in queries)
            {
                long start = Stopwatch.GetTimestamp();
                _ = store.SearchAsync(owners, query, 10, mode).AsTask().GetAwaiter().GetResult();
                run.Record(Stopwatch.GetTimestamp() - start);
            }
            run.Stop(queries.Length);
            ReportCpu(run, cpu, queries.Length);
        }
        finally
        {
            store.QuantizedVectorScan = true;
        }
        if (quantized && mode != MemorySearchMode.Lexical)
        {
            run.Report("rescored_rows_per_query", (store.RescoredVectorRows - rescoredBefore) / (double)queries.Length);
            CheckExact(store, owners, queries.Take(20), mode);
        }
    }

    // Untimed: the int8 pre-scan's results (ids, scores, order) must be the fp32 scan's, or the figure means nothing.
    private static void CheckExact(BlockMemoryStore store, string[] owners, IEnumerable<string> queries, MemorySearchMode mode)
    {
        try
        {
            foreach (string query in queries)
            {
                store.QuantizedVectorScan = false;
                var expected = store.SearchAsync(owners, query, 10, mode).AsTask().GetAwaiter().GetResult();
                store.QuantizedVectorScan = true;
                var actual = store.SearchAsync(owners, query, 10, mode).AsTask().GetAwaiter().GetResult();
                if (!expected.Items.Select(i => i.Id).SequenceEqual(actual.Items.Select(i => i.Id)) || !expected.Scores.SequenceEqual(actual.Scores))
                {
                    throw new InvalidOperationException($"The int8 pre-scan's top 10 for '{query}' differs from the fp32 scan's.");
                }
            }
        }
        finally
        {
            store.QuantizedVectorScan = true;
        }
    }

    // Retained bytes per item after a full GC: the block store (items only, then with its BM25 index) against a
    // List<T> of records holding the same notes. The notes' own strings are created before the first measurement
    // for the list (it keeps them) and the store (it copies them into blocks as UTF-8 and drops them).
    [Benchmark("memory.overhead", Runs = 1)]
    public static void Overhead(BenchRun run)
    {
        int n = run.Size(100_000, 10_000);
        var now = DateTimeOffset.UtcNow;

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var list = new List<ListItem>();
        var random = new Random(11);
        for (int i = 0; i < n; i++)
        {
            list.Add(new ListItem(i, MemoryCorpus.Note(random), ["note"], now, 0.5f));
        }
        long listBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(list);
        list = null;

        before = GC.GetTotalMemory(forceFullCollection: true);
        run.Start();
        var store = BlockMemoryStore.OpenAsync(new MemoryStoreOptions { GlobalLimitBytes = 4L << 30, AgentQuotaBytes = 4L << 30 }).AsTask().GetAwaiter().GetResult();
        random = new Random(11);
        for (int i = 0; i < n; i++)
        {
            store.AppendAsync("a", MemoryCorpus.Note(random), Tags, 0.5f).AsTask().GetAwaiter().GetResult();
        }
        run.Stop(n);
        long storeBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        store.SearchAsync(["a"], "warm", 1).AsTask().GetAwaiter().GetResult();
        long indexedBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(store);

        run.Report("bytes_per_item_list_baseline", listBytes / (double)n);
        run.Report("bytes_per_item_block_store", storeBytes / (double)n);
        run.Report("bytes_per_item_block_store_with_bm25", indexedBytes / (double)n);
        run.Report("ratio_block_store_to_list", storeBytes / (double)listBytes);
    }

    private static string[] Notes(int n)
    {
        var random = new Random(2);
        return [.. Enumerable.Range(0, n).Select(_ => MemoryCorpus.Note(random))];
    }
}
