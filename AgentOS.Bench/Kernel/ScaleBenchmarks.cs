using AgentOS.Bench.Harness;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Kernel;

/// <summary>
/// Scale: N agents (100,000; 10,000 with --quick) alive at once, first idle — the memory each costs, measured as the
/// managed heap after a full GC with them minus before, divided by N — then all doing syscalls in a loop (timed).
/// And the remote port: one agent's round trips over loopback HTTP to an in-process server.
/// </summary>
internal static class ScaleBenchmarks
{
    private static readonly LlmQuery Ping = new() { Messages = [ChatMessage.User("ping")] };

    [Benchmark("scale.agents.syscalls", MultiThreaded = true, Runs = 3)]
    public static void ManyAgents(BenchRun run)
    {
        int agents = run.Size(100_000, 10_000);
        const int PerAgent = 10;
        SyscallBenchmarks.WithKernel(0, kernel => Measure(run, kernel, agents, PerAgent));
    }

    internal static void Measure(BenchRun run, AgentKernel kernel, int agents, int perAgent)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var tasks = new Task[agents];
        for (int i = 0; i < agents; i++)
        {
            string id = "agent-" + i;
            kernel.RegisterIdentity(id);
            var context = new AgentContext(id, kernel.Port);
            tasks[i] = RunAgent(context, gate.Task, perAgent);
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        run.Report("bytes_per_idle_agent", (after - before) / (double)agents);

        run.Start();
        gate.SetResult();
        Task.WaitAll(tasks);
        run.Stop((long)agents * perAgent);
    }

    private static async Task RunAgent(AgentContext context, Task gate, int calls)
    {
        await gate.ConfigureAwait(false);
        for (int i = 0; i < calls; i++)
        {
            await context.Planning.QueryAsync(Ping).ConfigureAwait(false);
        }
    }

    [Benchmark("remote.roundtrip.http", Kind = BenchKind.Latency, MultiThreaded = true)]
    public static void RemoteRoundTrip(BenchRun run)
    {
        int n = run.Size(5_000, 500);
        SyscallBenchmarks.WithKernel(1, kernel =>
        {
            // The agent's own key, as a remote agent would hold it: every request authenticates (issue 12).
            var server = KernelHttpServer.Start(kernel, new HttpServerOptions { ApiKeys = new Dictionary<string, string> { ["bench-key"] = "agent-0" } });
            using var port = new RemoteKernelPort(server.Url, "bench-key");
            SyscallBenchmarks.OneAgent(run, port, n);
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
    }
}
