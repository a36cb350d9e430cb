using static AgentOS.Bench.Readme.BenchFigures;

namespace AgentOS.Bench.Readme;

/// <summary>One line of the README's "Measured" table: what it measures, the figures (each read from the run), the bar.</summary>
public sealed record HeadlineRow(string What, Func<BenchFigures, string> Measured, Func<BenchFigures, string> Baseline, string Bar);

/// <summary>
/// The README's headline figures, in the order the table shows them. Each cell is computed from one bench run's
/// <c>results.json</c>, never typed in, so the README cannot quote a figure the run did not print.
/// </summary>
public static class HeadlineRows
{
    private const string Cq = "ConcurrentQueue";

    public static IReadOnlyList<HeadlineRow> All { get; } =
    [
        new("syscall round trip, 1 agent, no-op LLM; access checks, budgets, audit and one event subscriber on",
            f => $"median {Duration(f.Median("syscall.roundtrip.1agent"))}, p99 {Duration(f.P99("syscall.roundtrip.1agent"))} ({Times(f.Ratio("syscall.roundtrip.1agent", "syscall.roundtrip.1agent.channel-baseline"))})",
            f => $"Channel + TaskCompletionSource kernel: median {Duration(f.Median("syscall.roundtrip.1agent.channel-baseline"))}, p99 {Duration(f.P99("syscall.roundtrip.1agent.channel-baseline"))}",
            "median ≤ 1 µs, p99 ≤ 10 µs"),
        new("syscalls/s, 64 agents, same configuration",
            f => $"{Rate(f.PerSecond("syscall.throughput.64agents"), "syscalls")} ({Times(f.Ratio("syscall.throughput.64agents", "syscall.throughput.64agents.channel-baseline"))})",
            f => $"Channel + TaskCompletionSource kernel: {Rate(f.PerSecond("syscall.throughput.64agents.channel-baseline"), "syscalls")}",
            "≥ 1.5 M/s and ≥ 0.5×"),
        new("agents alive at once (100,000), memory per idle agent",
            f => $"{Number(f.Metric("scale.agents.syscalls", "bytes_per_idle_agent"))} bytes",
            _ => "",
            "≤ 2 KB"),
        new("remote round trip, HTTP on loopback",
            f => $"median {Duration(f.Median("remote.roundtrip.http"))}",
            _ => "",
            ""),
        new("MPSC ring, 1 / 2 / 4 producers",
            f => $"{Each(p => Number(f.Ratio($"ring.mpsc.p{p}", $"ring.cq.p{p}")))}× {Cq}; {Each(p => Number(f.Ratio($"ring.mpsc.p{p}", $"ring.channel.p{p}")))}× bounded Channel; CPU per item {Each(p => Number(f.Metric($"ring.mpsc.p{p}", "cpu ns/item")))} ns",
            f => $"{Cq} {Each(p => Duration(f.Median($"ring.cq.p{p}")))} per item; bounded Channel {Each(p => Duration(f.Median($"ring.channel.p{p}")))}",
            "≥ 1× ConcurrentQueue, ≥ 3× Channel"),
        new("SPSC ring, batched (publishes 64 at a time) / unbatched (one at a time, as ConcurrentQueue)",
            f => $"{Times(f.Ratio("ring.spsc.batched", "ring.spsc.cq"))} / {Times(f.Ratio("ring.spsc.unbatched", "ring.spsc.cq"))} {Cq}",
            f => $"{Cq}: {Duration(f.Median("ring.spsc.cq"))} per item",
            "batched ≥ 2×"),
        new("event bus, publish to one subscriber",
            f => $"{Duration(f.Median("events.publish.1sub"))} ({Times(f.Ratio("events.publish.1sub", "events.publish.1sub.channel"))})",
            f => $"Channel: {Duration(f.Median("events.publish.1sub.channel"))}",
            ""),
        new("access check, allowed, 1 / 2 threads",
            f => $"{Duration(f.Median("access.check.allowed"))} / {Duration(f.Median("access.check.allowed.2-threads"))} ({Times(f.Ratio("access.check.allowed", "access.check.locked-baseline"))} / {Times(f.Ratio("access.check.allowed.2-threads", "access.check.locked-baseline.2-threads"))})",
            f => $"a locked dictionary: {Duration(f.Median("access.check.locked-baseline"))} / {Duration(f.Median("access.check.locked-baseline.2-threads"))}",
            ""),
        new("embedded llama2.c engine, stories260K, one stream (prompt positions counted, as run.c counts them)",
            f => f.Has("llm.runc.stories260k.tokens")
                ? $"{Rate(f.PerSecond("llm.embedded.stories260k.vs-runc"), "tokens")} ({Times(f.Ratio("llm.embedded.stories260k.vs-runc", "llm.runc.stories260k.tokens"))} run.c)"
                : Rate(f.PerSecond("llm.embedded.stories260k.tokens"), "tokens"),
            f => f.Has("llm.runc.stories260k.tokens")
                ? $"llama2.c run.c built -Ofast -march=native: {Rate(f.PerSecond("llm.runc.stories260k.tokens"), "tokens")}"
                : "run.c not timed in this run (AGENTOS_BENCH_RUNC unset)",
            "≥ run.c"),
        new("embedded engine, 1024-wide model, one stream",
            f => Rate(f.PerSecond("llm.embedded.d1024.tokens"), "tokens"),
            _ => "",
            ""),
        new("embedded engine, 16 sequences batched, against one stream",
            f => $"{Times(f.Ratio("llm.embedded.stories260k.batch16", "llm.embedded.stories260k.tokens"))} on stories260K; {Times(f.Ratio("llm.embedded.d1024.batch16", "llm.embedded.d1024.tokens"))} on the 1024-wide model",
            _ => "",
            "≥ 4×"),
        new("context switch of the embedded engine: a snapshot of 256 positions; round robin preempted against not",
            f => $"{Duration(f.Median("context.snapshot.embedded.256"))}, {Number(f.BytesPerOp("context.snapshot.embedded.256"))} B allocated per snapshot; preempted {Times(f.Ratio("context.rr.embedded.preempted", "context.rr.embedded.unpreempted"))}",
            f => $"unpreempted: {Duration(f.Median("context.rr.embedded.unpreempted"))}",
            ""),
        new("durable 1 KB writes, 64 writers, group commit",
            f => $"{Rate(f.PerSecond("storage.write.group.64"), "writes")}: {Times(f.Ratio("storage.write.group.64", "storage.fsync.raw"))} append+fdatasync, {Times(f.Ratio("storage.write.group.64", "storage.write.fsync-per-write.64"))} the store syncing each write, {Times(f.Ratio("storage.write.group.64", "storage.write.sqlite-txn-per-write.64"))} SQLite",
            f => $"append+fdatasync {Rate(f.PerSecond("storage.fsync.raw"), "writes")}; the store syncing each write {Rate(f.PerSecond("storage.write.fsync-per-write.64"), "writes")}; SQLite, a transaction per write {Rate(f.PerSecond("storage.write.sqlite-txn-per-write.64"), "writes")}",
            "≥ 30× append+fdatasync where it manages ≤ 2,000 syncs/s"),
        new("the store syncing each write, 1 writer, against raw append+fdatasync (the fairness check)",
            f => $"{Rate(f.PerSecond("storage.write.fsync-per-write.1"), "writes")} ({Times(f.Ratio("storage.write.fsync-per-write.1", "storage.fsync.raw"))})",
            f => $"append+fdatasync {Rate(f.PerSecond("storage.fsync.raw"), "writes")}",
            ""),
        new("64 writers on fast syncs (CPU-bound), CPU per write",
            f => $"{Number(f.Metric("storage.write.group.64.fast-sync", "cpu_us_per_write"))} µs ({Rate(f.PerSecond("storage.write.group.64.fast-sync"), "writes")})",
            _ => "",
            "≤ 3 µs"),
        new("durable memory adds, 64 writers (write-ahead log through the store's group commit)",
            f => $"{Rate(f.PerSecond("memory.add.durable.64"), "adds")} ({Times(f.Ratio("memory.add.durable.64", "storage.write.group.64"))} the store's writes)",
            f => $"storage.write.group.64: {Rate(f.PerSecond("storage.write.group.64"), "writes")}",
            "≥ 0.5×"),
        new("cached reads; open of 1M records from a checkpoint",
            f => $"{Rate(f.PerSecond("storage.read.cached"), "reads")} ({Times(f.Ratio("storage.read.cached", "storage.read.uncached"))}); open {Duration(f.Median("storage.open.checkpoint"))} ({Times(f.Ratio("storage.open.checkpoint", "storage.open.replay"))})",
            f => $"uncached {Rate(f.PerSecond("storage.read.uncached"), "reads")}; open by replaying the log {Duration(f.Median("storage.open.replay"))}",
            "≥ 2 M/s; < 1 s"),
        new("memory adds: in memory / relaxed on a file store (not durable) / two agents at once",
            f => $"{Duration(f.Median("memory.add"))} / {Duration(f.Median("memory.add.relaxed"))} ({Times(f.Ratio("memory.add", "memory.add.list-baseline"))} / {Times(f.Ratio("memory.add.relaxed", "memory.add.list-baseline"))}); two agents {Times(f.Ratio("memory.add.2-agents", "memory.add"))} one",
            f => $"List<T>.Add of the record: {Duration(f.Median("memory.add.list-baseline"))}",
            "≥ 0.25× List; two agents toward 2×"),
        new("memory search, 100k items, median query: BM25 / hashed n-gram vectors / dense 384-dim vectors",
            f => $"{Duration(f.Median("memory.search.lexical.100k"))} / {Duration(f.Median("memory.search.vector384.100k"))} ({Times(f.Ratio("memory.search.vector384.100k", "memory.search.vector384.100k.fp32-baseline"))}) / {Duration(f.Median("memory.search.dense384.100k"))} ({Times(f.Ratio("memory.search.dense384.100k", "memory.search.dense384.100k.fp32-baseline"))})",
            f => $"exact fp32 scans: {Duration(f.Median("memory.search.vector384.100k.fp32-baseline"))} / {Duration(f.Median("memory.search.dense384.100k.fp32-baseline"))}",
            "≤ 5 ms"),
        new("scheduler heap push+pop, 1k / 100k items",
            f => $"{Times(f.Ratio("heap.indexed.1k", "heap.priorityqueue.1k"))} / {Times(f.Ratio("heap.indexed.100k", "heap.priorityqueue.100k"))} PriorityQueue (and it supports removal and re-keying)",
            f => $"PriorityQueue: {Duration(f.Median("heap.priorityqueue.1k"))} / {Duration(f.Median("heap.priorityqueue.100k"))}",
            ""),
        new("MCP tools/call, one client, stdio / HTTP",
            f => $"median {Duration(f.Median("mcp.stdio.call"))} / {Duration(f.Median("mcp.http.call"))} ({Times(f.Ratio("mcp.stdio.call", "mcp.stdio.call.ts-sdk"))} / {Times(f.Ratio("mcp.http.call", "mcp.http.call.ts-sdk"))})",
            f => $"the official TypeScript SDK's server: {Duration(f.Median("mcp.stdio.call.ts-sdk"))} / {Duration(f.Median("mcp.http.call.ts-sdk"))}",
            "≥ 2×"),
        new("MCP tools/call, 32 clients, stdio / HTTP",
            f => $"{Rate(f.PerSecond("mcp.stdio.call.32"), "calls")} / {Rate(f.PerSecond("mcp.http.call.32"), "calls")} ({Times(f.Ratio("mcp.stdio.call.32", "mcp.stdio.call.32.ts-sdk"))} / {Times(f.Ratio("mcp.http.call.32", "mcp.http.call.32.ts-sdk"))})",
            f => $"the TypeScript SDK's server: {Rate(f.PerSecond("mcp.stdio.call.32.ts-sdk"), "calls")} / {Rate(f.PerSecond("mcp.http.call.32.ts-sdk"), "calls")}",
            "≥ 2×"),
        new("goodput with 30% of LLM calls faulted, the Reactor on against off",
            f => $"{Rate(f.PerSecond("reactor.goodput.f30.on"), "calls")} completed within their deadline ({Times(f.Ratio("reactor.goodput.f30.on", "reactor.goodput.f30.off"))})",
            f => $"Reactor off: {Rate(f.PerSecond("reactor.goodput.f30.off"), "calls")}",
            "≥ 2×"),
    ];

    // The same figure for 1, 2 and 4 producers, as "a / b / c".
    private static string Each(Func<int, string> figure) => string.Join(" / ", new[] { 1, 2, 4 }.Select(figure));
}
