using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Mcp.Protocol;
using AgentOS.Tools.Mcp;

namespace AgentOS.Bench.Mcp;

/// <summary>
/// <c>tools/call</c> of a no-op tool (<c>test_simple_text</c>, a fixed text) against AgentOS's MCP server — the
/// <c>mcp --as</c> process over stdio, and <c>serve</c>'s <c>/mcp</c> over Streamable HTTP with a bearer token — beside
/// the official TypeScript SDK's <c>McpServer</c> serving the same tool under plain <c>node</c> (ts-sdk-server.cjs),
/// all driven by one client, AgentOS's own <see cref="McpClient"/>, so the comparison isolates the servers. Latency:
/// one caller, each call timed. Throughput: 32 callers at once — over HTTP 32 clients with a session each; over stdio
/// (one client per process by nature) 32 requests in flight on the one connection.
/// The baselines need Node 22 and the SDK in the folder <c>AGENTOS_BENCH_NODE_MODULES</c> (or
/// <c>AGENTOS_TEST_NODE_MODULES</c>) names; without it they are skipped, saying so, and AgentOS's figures stand alone.
/// </summary>
internal static class McpBenchmarks
{
    private const string Tool = "test_simple_text";
    private const string Expected = "This is a simple text response for testing.";
    private const int Callers = 32;

    [Benchmark("mcp.stdio.call", Kind = BenchKind.Latency, Baseline = "mcp.stdio.call.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void StdioCall(BenchRun run) => Latency(run, McpBenchPeers.AgentOSStdio);

    [Benchmark("mcp.stdio.call.ts-sdk", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void StdioCallSdk(BenchRun run) => Latency(run, McpBenchPeers.SdkStdio);

    [Benchmark("mcp.http.call", Kind = BenchKind.Latency, Baseline = "mcp.http.call.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void HttpCall(BenchRun run) => Latency(run, McpBenchPeers.AgentOSHttp);

    [Benchmark("mcp.http.call.ts-sdk", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void HttpCallSdk(BenchRun run) => Latency(run, McpBenchPeers.SdkHttp);

    [Benchmark("mcp.stdio.call.32", Baseline = "mcp.stdio.call.32.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void StdioThroughput(BenchRun run) => Throughput(run, Enumerable.Repeat(McpBenchPeers.AgentOSStdio.Client, Callers).ToArray());

    [Benchmark("mcp.stdio.call.32.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void StdioThroughputSdk(BenchRun run) => Throughput(run, Enumerable.Repeat(McpBenchPeers.SdkStdio.Client, Callers).ToArray());

    [Benchmark("mcp.http.call.32", Baseline = "mcp.http.call.32.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void HttpThroughput(BenchRun run) => Throughput(run, McpBenchPeers.AgentOSHttpClients(Callers));

    [Benchmark("mcp.http.call.32.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void HttpThroughputSdk(BenchRun run) => Throughput(run, McpBenchPeers.SdkHttpClients(Callers));

    // The transport's floor: ping touches no kernel resource (no syscall), so tools/call minus ping is what the call's
    // syscall (queue, access check, audit, tool) adds on each side.
    [Benchmark("mcp.stdio.ping", Kind = BenchKind.Latency, Baseline = "mcp.stdio.ping.ts-sdk", MultiThreaded = true, Runs = 5)]
    public static void StdioPing(BenchRun run) => Ping(run, McpBenchPeers.AgentOSStdio);

    [Benchmark("mcp.stdio.ping.ts-sdk", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void StdioPingSdk(BenchRun run) => Ping(run, McpBenchPeers.SdkStdio);

    private static void Ping(BenchRun run, McpBenchPeer peer) =>
        Timed(run, client => client.RequestAsync(McpMethods.Ping, null), peer.Client);

    private static void Latency(BenchRun run, McpBenchPeer peer) =>
        Timed(run, async client => Check(await client.CallToolAsync(Tool, null).ConfigureAwait(false)), peer.Client);

    // One caller: each operation timed on its own.
    private static void Timed(BenchRun run, Func<McpClient, Task> operation, McpClient client)
    {
        int n = run.Size(2000, 200);
        Task.Run(async () =>
        {
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await operation(client).ConfigureAwait(false);
                run.Record(Stopwatch.GetTimestamp() - start);
            }
            run.Stop(n);
        }).GetAwaiter().GetResult();
    }

    private static void Throughput(BenchRun run, McpClient[] clients)
    {
        int each = run.Size(250, 30);
        Task.Run(async () =>
        {
            run.Start();
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                for (int i = 0; i < each; i++)
                {
                    Check(await client.CallToolAsync(Tool, null).ConfigureAwait(false));
                }
            }))).ConfigureAwait(false);
            run.Stop((long)each * clients.Length);
        }).GetAwaiter().GetResult();
    }

    private static void Check(CallToolResult result)
    {
        if (result.IsError == true || result.Content is not [{ Text: Expected }])
        {
            throw new InvalidOperationException($"{Tool} answered something else: {(result.Content.Count > 0 ? result.Content[0].Text : "(nothing)")}");
        }
    }
}
