using System.Globalization;
using AgentOS.Bench.Harness;
using AgentOS.Evolution;
using AgentOS.Evolution.Replay;
using AgentOS.Llm;
using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>
/// The self-improving loop against every fixed policy, on the simulator (virtual time, the kernel's own queue, one
/// slot, ρ = 0.9): on each trace the loop starts from the default settings, learns from the calls it sees finish,
/// proves candidates on replays of its recent window, applies, watches and rolls back. It is not told the trace.
/// Mean latency is measured after a warm-up (the first <see cref="WarmupFraction"/> of calls), the same calls for
/// every row. Targets: within 5% of the best fixed policy per trace; never more than 5% worse than FIFO; on workload 2
/// at least 80% of oracle SJF's gain over FIFO with a p99 at most 2× FIFO's.
/// </summary>
internal static class AdaptiveBenchmarks
{
    public const double Rho = 0.9;
    public const double WarmupFraction = 0.3;

    private static Dictionary<string, Row[]>? s_computed;

    [Benchmark("scheduling.adaptive", Runs = 1, MultiThreaded = true)]
    public static void Adaptive(BenchRun run)
    {
        var traces = AdaptiveTraces.Load(run.Quick ? 3_000 : null);
        if (traces.Count == 0)
        {
            BenchRun.Skip($"needs ../shared/data/traces/{LlmTrace.AzureConversation} and {AdaptiveTraces.Mooncake}");
            return;
        }
        var model = new SimulatedLatencyModel();
        if (s_computed is null)
        {
            s_computed = [];
            foreach (var (name, work) in traces)
            {
                var calls = AdaptiveTraces.AtLoad(work, Rho, SchedulingQualityBenchmarks.Slots, model);
                s_computed[name] = Compute(name, calls, model, run.Quick, out var history);
                Print(name, calls.Count, s_computed[name], history);
            }
        }
        foreach (var (trace, rows) in s_computed)
        {
            double fifo = rows.First(r => r.Name == "fifo").Mean;
            double best = rows.Where(r => r.Fixed).Min(r => r.Mean);
            var adaptive = rows.First(r => r.Name == "adaptive");
            foreach (var row in rows)
            {
                run.Report($"{trace}.{row.Name}.mean_s", row.Mean);
                run.Report($"{trace}.{row.Name}.p99_s", row.P99);
            }
            run.Report($"{trace}.adaptive_vs_best", adaptive.Mean / best);
            run.Report($"{trace}.adaptive_vs_fifo", adaptive.Mean / fifo);
            if (rows.FirstOrDefault(r => r.Name == "oracle-sjf") is { } oracle)
            {
                run.Report($"{trace}.adaptive_recovered_gain", (fifo - adaptive.Mean) / (fifo - oracle.Mean));
                run.Report($"{trace}.adaptive_p99_vs_fifo", adaptive.P99 / rows.First(r => r.Name == "fifo").P99);
            }
        }

        // Timed: the loop's own work, one proof of every candidate on a window of workload 2.
        var w2 = AdaptiveTraces.AtLoad(traces.First(t => t.Name == "workload-2").Work, Rho, 1, model);
        var window = LiveRun(w2.Take(Math.Min(w2.Count, 1_500)).ToList(), model, null, out _);
        var loop = new EvolutionLoop(new FixedTarget(), Options(window.Count, run.Quick));
        foreach (var call in window)
        {
            loop.Observe(call);
        }
        run.Start();
        loop.Step();
        run.Stop(window.Count);
    }

    private static EvolutionOptions Options(int calls, bool quick)
    {
        int window = quick ? 600 : 2_000;
        return new EvolutionOptions { Window = Math.Min(window, calls), EvaluateEvery = window / 2, WatchCalls = window / 4 };
    }

    private static Row[] Compute(string trace, List<TrafficRecord> calls, SimulatedLatencyModel model, bool quick, out IReadOnlyList<EvolutionChange> history)
    {
        int warm = (int)(calls.Count * WarmupFraction);
        var rows = new List<Row>();
        foreach (var settings in EvolutionOptions.DefaultCandidates)
        {
            Console.Write($"\r  {trace} {settings}                ");
            var outcome = EvolutionLoop.Simulate(settings, [], calls, model, SchedulingQualityBenchmarks.Slots);
            rows.Add(Row.Of(settings.Equals(new LlmQueueSettings()) ? "default" : settings.ToString(), outcome.Latencies, warm, true));
        }
        if (trace == "workload-2")
        {
            var requests = calls.Select((c, i) => new ReplayRequest(i, c.Agent, c.Site, c.Arrival, c.InputTokens, c.OutputTokens, 1e9)).ToArray();
            var oracle = TrafficReplay.Run(requests, _ => SchedulingPolicies.Create("sjf", estimator: new OracleEstimator()), SchedulingQualityBenchmarks.Slots, model);
            rows.Add(Row.Of("oracle-sjf", oracle.Latencies, warm, false));
        }
        Console.Write($"\r  {trace} adaptive                      ");
        var live = LiveRun(calls, model, Options(calls.Count, quick), out var loop);
        history = loop!.History;
        var latencies = live.Select(c => c.Latency).ToArray();
        rows.Add(Row.Of("adaptive", latencies, warm, false));
        Console.Write("\r" + new string(' ', 70) + "\r");
        return [.. rows];
    }

    // The "live" queue: the trace replayed from the default settings, the loop observing every finished call and
    // stepping (proving, applying, watching, rolling back) as it goes. Returns the calls with their live latencies.
    private static List<TrafficRecord> LiveRun(List<TrafficRecord> calls, SimulatedLatencyModel model, EvolutionOptions? options, out EvolutionLoop? loop)
    {
        var requests = calls.Select((c, i) => new ReplayRequest(i, c.Agent, c.Site, c.Arrival, c.InputTokens, c.OutputTokens, 1e9)).ToArray();
        var target = new LiveTarget(model);
        var evolution = options is null ? null : new EvolutionLoop(target, options);
        var finished = new TrafficRecord[calls.Count];
        double tpot = model.DecodePerToken.TotalSeconds;
        TrafficReplay.Run(requests, _ => target.Create(), SchedulingQualityBenchmarks.Slots, model, r =>
        {
            target.Learn(r);
            var call = calls[r.Index] with
            {
                Latency = r.Completion - r.Arrival,
                FirstToken = model.TimeToFirstToken(r.Input).TotalSeconds,
                Decode = (r.Output - 1) * tpot,
            };
            finished[r.Index] = call;
            evolution?.Observe(call);
            evolution?.Step();
        }, target.Attach);
        loop = evolution;
        return [.. finished];
    }

    private static void Print(string trace, int count, Row[] rows, IReadOnlyList<EvolutionChange> history)
    {
        double fifo = rows.First(r => r.Name == "fifo").Mean;
        double best = rows.Where(r => r.Fixed).Min(r => r.Mean);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scheduling.adaptive: {trace}, {count} calls, rho = {Rho}, 1 slot; mean and p99 over calls after the first {WarmupFraction:P0}"));
        Console.WriteLine($"  {"policy",-24}{"mean_s",10}{"p99_s",10}{"vs_fifo",9}{"vs_best",9}");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Name,-24}{r.Mean,10:0.00}{r.P99,10:0.00}{r.Mean / fifo,9:0.000}{r.Mean / best,9:0.000}"));
        }
        foreach (var change in history)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    v{change.Version} {change.Kind}: {change.From} -> {change.To}: {change.Reason}"));
        }
    }

    private sealed record Row(string Name, double Mean, double P99, bool Fixed)
    {
        public static Row Of(string name, double[] latencies, int warm, bool isFixed)
        {
            var (mean, _, p99) = ReplayOutcome.Summary(latencies.AsSpan(warm));
            return new Row(name, mean, p99, isFixed);
        }
    }

    // The live queue's face for the loop: its settings, and a swap of its policy built on the live learners.
    private sealed class LiveTarget(SimulatedLatencyModel model) : ILlmQueueTarget
    {
        private readonly OnlineCostEstimator<ReplayRequest> _estimator = new(static r => (r.Agent, r.Site));
        private readonly LengthDistributions<ReplayRequest> _lengths = new(static r => (r.Agent, r.Site));
        private ResourceQueue<ReplayRequest>? _queue;

        public LlmQueueSettings Current { get; private set; } = new();

        public ISchedulingPolicy<ReplayRequest> Create() =>
            Current.CreatePolicy(_estimator, _lengths, r => model.TimeToFirstToken(r.Input).TotalSeconds / model.DecodePerToken.TotalSeconds);

        public void Attach(ResourceQueue<ReplayRequest> queue) => _queue = queue;

        public void Learn(ReplayRequest r)
        {
            _estimator.Observe(r.Agent, r.Site, r.Output);
            _lengths.Observe(r.Agent, r.Site, r.Output);
        }

        public void Apply(LlmQueueSettings settings)
        {
            Current = settings;
            _estimator.SkillThreshold = settings.SkillThreshold;
            _queue!.SwapPolicy(Create());
        }
    }

    private sealed class FixedTarget : ILlmQueueTarget
    {
        public LlmQueueSettings Current { get; private set; } = new();

        public void Apply(LlmQueueSettings settings) => Current = settings;
    }
}
