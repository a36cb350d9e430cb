using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Kernel;
using AgentOS.Bench.Report.Svg;

namespace AgentOS.Bench.Report.Sections;

/// <summary>
/// Throughput against agents: N agents alive at once, all doing LLM syscalls to a no-op backend, for N from 1 to
/// 100,000 (fewer points with --quick), timed with the scale benchmark's own loop (<see cref="ScaleBenchmarks.Measure"/>).
/// </summary>
internal static class ScaleSection
{
    public static void Run(ReportBuilder b)
    {
        int[] agents = b.Size switch
        {
            ReportSize.Full => [1, 10, 100, 1_000, 10_000, 100_000],
            ReportSize.Quick => [1, 10, 100, 1_000, 10_000],
            _ => [1, 10, 100],
        };
        int total = b.Size switch { ReportSize.Full => 400_000, ReportSize.Quick => 100_000, _ => 5_000 };
        int runs = b.Size == ReportSize.Full ? 3 : 1;
        b.Begin("Throughput against agents", $"N agents (async tasks) alive at once, each doing LLM syscalls to a no-op backend in a loop, all released together; "
            + $"syscalls per second over the whole run (about {total:N0} syscalls per point, at least 10 per agent; median of {runs} run(s) after a warm-up), "
            + "and the managed heap each idle agent costs.");
        var buffer = new long[16];
        Measure(10, 1_000, buffer); // warm-up: JIT and the thread pool, not reported
        var points = new List<(double, double)>();
        double bytesPerAgent = 0;
        foreach (int n in agents)
        {
            int perAgent = Math.Max(10, total / n);
            var rates = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var (rate, bytes) = Measure(n, perAgent, buffer);
                rates.Add(rate);
                bytesPerAgent = bytes;
            }
            rates.Sort();
            double median = rates[rates.Count / 2];
            points.Add((n, median));
            Console.WriteLine($"  {n,7} agents: {median:N0} syscalls/s");
            if (n == agents[^1])
            {
                b.Figure($"scale.throughput.{n}agents", $"Syscalls/s with {n:N0} agents at once", median, "syscalls/s", headline: true);
                b.Figure($"scale.bytes_per_idle_agent.{n}", $"Managed heap per idle agent ({n:N0} agents)", bytesPerAgent, "bytes");
            }
        }
        b.Figure("scale.throughput.1agent", "Syscalls/s, one agent", points[0].Item2, "syscalls/s");
        b.Ran.Add($"scale: {string.Join(", ", agents)} agents");
        b.Chart("throughput-vs-agents", "Syscall throughput against agents", Charts.Lines("Syscall throughput against agents", "agents at once", "syscalls/s",
            [new ChartSeries("AgentOS (no-op backend)", points)], xLog: true, yLog: false));
    }

    private static (double Rate, double BytesPerAgent) Measure(int agents, int perAgent, long[] buffer)
    {
        var run = new BenchRun(quick: true, multiThreaded: true, buffer);
        SyscallBenchmarks.WithKernel(0, kernel => ScaleBenchmarks.Measure(run, kernel, agents, perAgent));
        double seconds = run.ElapsedTicks / (double)Stopwatch.Frequency;
        return (run.Operations / seconds, run.Metrics.GetValueOrDefault("bytes_per_idle_agent"));
    }
}
