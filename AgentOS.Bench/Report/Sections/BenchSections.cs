using AgentOS.Bench.Harness;
using AgentOS.Bench.Report.Svg;
using AgentOS.Bench.Scheduling.Quality;

namespace AgentOS.Bench.Report.Sections;

/// <summary>
/// The report's sections that call the bench's own benchmarks (through <see cref="BenchRunner.RunNamed"/>, each
/// interleaved with its baselines as the bench runs them): syscall overhead, storage, tokens/s and round trips.
/// </summary>
internal static class BenchSections
{
    private const string Channel = "Channel + TaskCompletionSource kernel";

    public static void Syscalls(ReportBuilder b)
    {
        b.Begin("Syscall overhead", "One agent's LLM syscall round trip through the kernel to a no-op backend (default configuration: access checks, "
            + "audit and one event subscriber on), each call timed; beside the obvious Channel + TaskCompletionSource kernel in the same run, and beside "
            + $"AIOS's scheduler loop as a MODEL: AIOS's FIFO scheduler sleeps 1.0 s per batch and polls its queue with a 0.1 s timeout, so every "
            + $"LLM syscall waits about {ReferenceModels.AiosCycle} s (measured on AIOS's own code at commit 2155966 with a zero-latency model: "
            + "median 1,103 ms for one agent; AIOS cannot be installed here, its Python dependencies come from PyPI, so the figure is its loop model "
            + "from scheduling.quality, not a run).");
        var r = Run(b, "syscall.roundtrip.1agent", "syscall.throughput.64agents");
        if (!r.TryGetValue("syscall.roundtrip.1agent", out var ours) || !r.TryGetValue("syscall.roundtrip.1agent.channel-baseline", out var channel))
        {
            return;
        }
        double aiosUs = ReferenceModels.AiosCycle * 1e6;
        b.Figure("syscall.roundtrip.median_us", "LLM syscall round trip, median", ours.Median / 1e3, "µs", Channel, channel.Median / 1e3, headline: true);
        b.Figure("syscall.roundtrip.p99_us", "LLM syscall round trip, p99", ours.P99 / 1e3, "µs", Channel, channel.P99 / 1e3);
        b.Figure("syscall.roundtrip.vs_aios_model", "LLM syscall round trip, median, against AIOS's loop (model)", ours.Median / 1e3, "µs", "AIOS FIFO loop (model, 1.1 s per call)", aiosUs, headline: true);
        if (r.TryGetValue("syscall.throughput.64agents", out var many) && r.TryGetValue("syscall.throughput.64agents.channel-baseline", out var manyChannel))
        {
            b.Figure("syscall.throughput.64agents", "Syscalls per second, 64 agents", many.OpsPerSec, "syscalls/s", Channel, manyChannel.OpsPerSec, lowerIsBetter: false);
        }
        b.Chart("syscall-overhead", "Syscall round trip: AgentOS, the Channel baseline and AIOS's loop (model)", Charts.Bars(
            "LLM syscall round trip (one agent)", "µs per call", ["AgentOS", "Channel baseline", "AIOS loop (model, 1.1 s)"],
            [new BarGroup("median", [ours.Median / 1e3, channel.Median / 1e3, aiosUs]), new BarGroup("p99", [ours.P99 / 1e3, channel.P99 / 1e3, aiosUs])], yLog: true));
    }

    public static void Storage(ReportBuilder b)
    {
        b.Begin("Storage writes", "Durable 1 KB writes with 1, 16 and 64 concurrent writers (each awaits its write before the next): the file store with "
            + "group commit, beside the same store with one fsync per write, SQLite with one transaction per write (WAL, synchronous=FULL) and the raw "
            + "rate of this disk (append + fdatasync on a plain file), interleaved in the same run (the bench's storage.write.* group).");
        int[] writers = [1, 16, 64];
        var r = Run(b, [.. writers.Select(w => $"storage.write.group.{w}")]);
        if (!r.TryGetValue("storage.fsync.raw", out var raw))
        {
            return;
        }
        var lines = new List<ChartSeries>();
        foreach (var (label, prefix) in new[] { ("AgentOS group commit", "storage.write.group."), ("one fsync per write", "storage.write.fsync-per-write."), ("SQLite, txn per write", "storage.write.sqlite-txn-per-write.") })
        {
            lines.Add(new ChartSeries(label, [.. writers.Where(w => r.ContainsKey(prefix + w)).Select(w => ((double)w, r[prefix + w].OpsPerSec))]));
        }
        lines.Add(new ChartSeries("raw fsync (1 writer)", [(1, raw.OpsPerSec), (64, raw.OpsPerSec)], Dashed: true));
        foreach (int w in writers.Where(w => r.ContainsKey($"storage.write.group.{w}")))
        {
            var ours = r[$"storage.write.group.{w}"];
            b.Figure($"storage.write.{w}writers", $"Durable writes/s, {w} writer(s), group commit", ours.OpsPerSec, "writes/s", "raw fsync per write", raw.OpsPerSec, lowerIsBetter: false, headline: w == 64);
            if (r.TryGetValue($"storage.write.sqlite-txn-per-write.{w}", out var sqlite))
            {
                b.Figure($"storage.write.{w}writers.vs_sqlite", $"Durable writes/s, {w} writer(s), against SQLite", ours.OpsPerSec, "writes/s", "SQLite, one transaction per write", sqlite.OpsPerSec, lowerIsBetter: false);
            }
        }
        b.Chart("storage-writes", "Durable writes/s against writers", Charts.Lines("Durable 1 KB writes", "concurrent writers", "writes/s", lines, xLog: true, yLog: true));
    }

    public static void Tokens(ReportBuilder b)
    {
        b.Begin("Tokens per second", "Single-stream greedy decoding of stories260K (256 positions) by the embedded engine, beside llama2.c's run.c on the same "
            + "checkpoint when AGENTOS_BENCH_RUNC names a run.c binary (the bench's llm.embedded.stories260k.vs-runc pair).");
        var r = Run(b, "llm.embedded.stories260k.vs-runc");
        if (!r.TryGetValue("llm.embedded.stories260k.vs-runc", out var ours))
        {
            return;
        }
        r.TryGetValue("llm.runc.stories260k.tokens", out var runc);
        if (runc is null)
        {
            b.Skipped("run.c beside the embedded engine", string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AGENTOS_BENCH_RUNC"))
                ? "AGENTOS_BENCH_RUNC is not set (build llama2.c's run.c outside the repository with gcc -Ofast -march=native -o run run.c -lm and name it there)"
                : "the run.c benchmark could not run (see the console)");
        }
        b.Figure("llm.embedded.tokens_per_s", "Embedded engine, stories260K, tokens/s", ours.OpsPerSec, "tokens/s", runc is null ? "llama2.c run.c (not run)" : "llama2.c run.c", runc?.OpsPerSec, lowerIsBetter: false, headline: true);
        b.Chart("tokens", "Tokens/s: the embedded engine beside run.c", Charts.Bars("Decoding stories260K, one stream", "tokens/s", ["AgentOS embedded", "llama2.c run.c"],
            [new BarGroup("stories260K", [ours.OpsPerSec, runc?.OpsPerSec ?? double.NaN])], yLog: false));
    }

    public static void RoundTrips(ReportBuilder b)
    {
        b.Begin("MCP and HTTP round trips", "One client's tools/call round trip to AgentOS's MCP server over stdio and over Streamable HTTP, beside the official "
            + "TypeScript SDK's server doing the same (when installed: AGENTOS_TEST_NODE_MODULES), and one remote agent's syscall over loopback HTTP.");
        var r = Run(b, "mcp.stdio.call", "mcp.http.call", "remote.roundtrip.http");
        var groups = new List<BarGroup>();
        foreach (var (label, name) in new[] { ("MCP stdio", "mcp.stdio.call"), ("MCP HTTP", "mcp.http.call"), ("syscall over HTTP", "remote.roundtrip.http") })
        {
            if (!r.TryGetValue(name, out var ours))
            {
                continue;
            }
            r.TryGetValue(name + ".ts-sdk", out var sdk);
            if (sdk is null && name.StartsWith("mcp.", StringComparison.Ordinal))
            {
                b.Skipped($"{name}.ts-sdk", "the TypeScript SDK server did not run (set AGENTOS_TEST_NODE_MODULES to a folder with @modelcontextprotocol/sdk and Node 22)");
            }
            b.Figure(name + ".median_us", $"{label} round trip, median", ours.Median / 1e3, "µs", sdk is null ? null : "MCP TypeScript SDK server", sdk?.Median / 1e3, headline: name == "remote.roundtrip.http");
            groups.Add(new BarGroup(label, [ours.Median / 1e3, sdk?.Median / 1e3 ?? double.NaN]));
        }
        if (groups.Count > 0)
        {
            b.Chart("roundtrips", "MCP and HTTP round trips", Charts.Bars("Round trips, median", "µs", ["AgentOS", "MCP TypeScript SDK"], groups, yLog: true));
        }
    }

    /// <summary>Runs the named benchmarks (with their baselines) for the report, noting any that could not run; what an
    /// earlier section already measured in this run is reused, not run again.</summary>
    internal static Dictionary<string, BenchResult> Run(ReportBuilder b, params string[] names)
    {
        var missing = names.Where(n => !b.BenchResults.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            var results = BenchRunner.RunNamed(missing, quick: b.Size != ReportSize.Full, (group, why) => b.Skipped(group, why));
            b.Ran.AddRange(results.Keys.Where(k => !b.BenchResults.ContainsKey(k)).Order(StringComparer.Ordinal));
            foreach (var (name, result) in results)
            {
                b.BenchResults[name] = result;
            }
        }
        return b.BenchResults;
    }
}
