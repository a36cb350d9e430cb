using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Events;
using AgentOS.Kernel;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Kernel;

/// <summary>
/// Syscall round trips through the kernel to a no-op backend, in the default configuration (access checks on), against
/// the obvious Channel + TaskCompletionSource kernel in the same run. One agent: each round trip timed. 64 agents:
/// throughput of whole runs.
/// </summary>
internal static class SyscallBenchmarks
{
    private static readonly SyscallRequest Request = new() { AgentId = "agent-0", Llm = new LlmQuery { Messages = [ChatMessage.User("ping")] } };

    [Benchmark("syscall.roundtrip.1agent", Kind = BenchKind.Latency, Baseline = "syscall.roundtrip.1agent.channel-baseline", MultiThreaded = true)]
    public static void RoundTripOneAgent(BenchRun run) => WithKernel(1, kernel => OneAgent(run, kernel.Port, run.Size(50_000, 5_000)), run);

    [Benchmark("syscall.roundtrip.1agent.channel-baseline", Kind = BenchKind.Latency, MultiThreaded = true)]
    public static void RoundTripOneAgentBaseline(BenchRun run) => WithChannelKernel(port => OneAgent(run, port, run.Size(50_000, 5_000)));

    [Benchmark("syscall.throughput.64agents", Baseline = "syscall.throughput.64agents.channel-baseline", MultiThreaded = true)]
    public static void SixtyFourAgents(BenchRun run) => WithKernel(64, kernel => ManyAgents(run, kernel.Port, 64), run);

    [Benchmark("syscall.throughput.64agents.channel-baseline", MultiThreaded = true)]
    public static void SixtyFourAgentsBaseline(BenchRun run) => WithChannelKernel(port => ManyAgents(run, port, 64));

    /// <summary>Runs <paramref name="body"/> against a fresh kernel in the default configuration (access checks and
    /// audit on) with one event subscriber attached and a no-op LLM backend, identities agent-0 .. agent-(n-1)
    /// registered; then stops it and deletes its data. With <paramref name="run"/>, reports what the subscriber and the
    /// audit log lost (<see cref="ReportLosses"/>).</summary>
    internal static void WithKernel(int agents, Action<AgentKernel> body, BenchRun? run = null)
    {
        var data = Directory.CreateTempSubdirectory("agentos-bench-");
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.FullName, LlmBackends = [new NoopBackend()] });
        for (int i = 0; i < agents; i++)
        {
            kernel.RegisterIdentity("agent-" + i);
        }
        long events = 0;
        using var subscriber = kernel.Events.Subscribe<SyscallEvent>(_ => events++);
        try
        {
            body(kernel);
            if (run is not null)
            {
                ReportLosses(run, kernel, subscriber);
            }
        }
        finally
        {
            kernel.StopAsync().GetAwaiter().GetResult();
            data.Delete(recursive: true);
        }
    }

    private static void WithChannelKernel(Action<IKernelPort> body)
    {
        var kernel = new ChannelKernel();
        try
        {
            body(kernel);
        }
        finally
        {
            kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One agent's round trips, each timed, after a warm-up of 1,000.</summary>
    internal static void OneAgent(BenchRun run, IKernelPort port, int n)
    {
        Task.Run(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                await port.SubmitAsync(Request);
            }
            var cpu = ProcessCpu();
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await port.SubmitAsync(Request);
                run.Record(Stopwatch.GetTimestamp() - start);
            }
            run.Stop(n);
            ReportCpu(run, cpu, n);
        }).GetAwaiter().GetResult();
    }

    private static void ManyAgents(BenchRun run, IKernelPort port, int agents)
    {
        int perAgent = run.Size(20_000, 1_000);
        var requests = Enumerable.Range(0, agents)
            .Select(i => new SyscallRequest { AgentId = "agent-" + i, Llm = Request.Llm })
            .ToArray();
        var cpu = ProcessCpu();
        run.Start();
        var tasks = requests.Select(request => Task.Run(async () =>
        {
            for (int i = 0; i < perAgent; i++)
            {
                await port.SubmitAsync(request);
            }
        })).ToArray();
        Task.WaitAll(tasks);
        run.Stop((long)agents * perAgent);
        ReportCpu(run, cpu, (long)agents * perAgent);
    }

    // The configuration the bars name has one event subscriber and the audit on. Both drop rather than stall the
    // syscall path when they fall behind (the subscriber's ring drops its oldest events; the audit's ring drops allowed
    // decisions and writes a gap record), so a figure is only what it claims when little or nothing was dropped: print
    // how much, for every run. Read while the drain may still hold a few events: the subscriber's figure may over-count
    // by those (see EventSubscription.Dropped).
    private static void ReportLosses(BenchRun run, AgentKernel kernel, EventSubscription subscriber)
    {
        long delivered = subscriber.Delivered, dropped = subscriber.Dropped;
        run.Report("events_dropped_pct", delivered + dropped == 0 ? 0 : 100.0 * dropped / (delivered + dropped));
        run.Report("audit_allowed_dropped", kernel.Audit.AllowedDropped);
    }

    // CPU time per syscall, every thread of the process (agents, dispatchers, the event drain, the audit writer, the
    // pool's spinning): a figure the other processes on a shared machine move far less than wall-clock time.
    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void ReportCpu(BenchRun run, TimeSpan before, long operations) =>
        run.Report("cpu_ns_per_op", (ProcessCpu() - before).TotalNanoseconds / operations);
}
