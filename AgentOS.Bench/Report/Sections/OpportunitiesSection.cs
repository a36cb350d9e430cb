using System.Diagnostics;
using System.Globalization;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Kernel;
using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Syscalls;

namespace AgentOS.Bench.Report.Sections;

/// <summary>
/// The five largest measured costs on the syscall path and in the engine. The kernel cannot profile itself portably,
/// so each cost is measured in this run by toggling one stage (a kernel without the event subscriber, with FIFO
/// instead of the learned SJF policy), by a stage's own benchmark (access checks), by the difference between two
/// paths (HTTP against in-process, the kernel against the Channel floor), or, in the engine, by timing its stages'
/// shapes (the matrix-vector products of one token, attention at the last position against the first).
/// </summary>
internal static class OpportunitiesSection
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static void Run(ReportBuilder b)
    {
        b.Begin("Optimisation opportunities", "The five largest measured costs on the syscall path and in the engine, each measured in this run (no "
            + "profiler: stages toggled or timed on their own), with what removing or halving it would save.");
        var costs = new List<(double Ns, string Where, string Cost, string Saving)>();
        int n = b.Size == ReportSize.Full ? 20_000 : b.Size == ReportSize.Quick ? 5_000 : 1_000;

        double full = RoundTrip(n, null, subscriber: true);
        double noEvents = RoundTrip(n, null, subscriber: false);
        double fifo = RoundTrip(n, "fifo", subscriber: true);
        var bench = BenchSections.Run(b, "syscall.roundtrip.1agent", "access.check.allowed", "remote.roundtrip.http");
        double channel = bench.TryGetValue("syscall.roundtrip.1agent.channel-baseline", out var c) ? c.Median : double.NaN;
        double access = bench.TryGetValue("access.check.allowed", out var a) ? a.Median : double.NaN;
        double http = bench.TryGetValue("remote.roundtrip.http", out var h) ? h.Median : double.NaN;
        b.Note(string.Create(Ci, $"Syscall round trip, one agent, median: default {full:0} ns; without the event subscriber {noEvents:0} ns; FIFO instead of the learned SJF {fifo:0} ns; Channel floor {channel:0} ns; one access check {access:0.0} ns; over loopback HTTP {http:0} ns."));

        Add(costs, http - full, "HTTP transport (remote port over loopback, per syscall)", full + Math.Max(0, http - full), "a lighter wire (keep-alive pooling, smaller JSON) for remote agents");
        Add(costs, full - channel, "kernel path beyond the Channel floor (envelope, router, ring, dispatcher hand-off, completion)", full, "per in-process syscall");
        Add(costs, full - noEvents, "event bus: one subscriber on the syscall path", full, "publishing only to subscribers that ask for the event kind");
        Add(costs, full - fifo, "LLM policy: the learned SJF estimator against FIFO", full, "a cheaper estimator lookup (one per submit)");
        Add(costs, access, "access check (capabilities, budgets) per syscall", full, "caching the decision per (agent, resource) until the policy changes");
        EngineCosts(b, costs);

        var top = costs.Where(x => x.Ns > 0).OrderByDescending(x => x.Ns).Take(5).ToList();
        for (int i = 0; i < top.Count; i++)
        {
            b.Document.Opportunities.Add(new ReportOpportunity { Rank = i + 1, Where = top[i].Where, Cost = top[i].Cost, Saving = top[i].Saving });
            Console.WriteLine($"  {i + 1}. {top[i].Where}: {top[i].Cost}; {top[i].Saving}");
        }
        b.Note(string.Join("\n", ["| rank | where | cost (measured) | what it would save |", "|---:|---|---|---|",
            .. b.Document.Opportunities.Select(o => $"| {o.Rank} | {o.Where} | {o.Cost} | {o.Saving} |")]));
        var dropped = costs.Where(x => x.Ns <= 0).Select(x => x.Where).ToList();
        if (dropped.Count > 0)
        {
            b.Note("Within noise in this run (no measurable cost): " + string.Join("; ", dropped) + ".");
        }
    }

    private static void Add(List<(double, string, string, string)> costs, double ns, string where, double of, string how)
    {
        if (double.IsNaN(ns))
        {
            return;
        }
        string share = of > 0 ? string.Create(Ci, $" ({100 * ns / of:0}% of {Show(of)})") : "";
        costs.Add((ns, where, Show(ns) + " per syscall" + share, string.Create(Ci, $"removing it would save up to {Show(Math.Max(0, ns))} per syscall; {how}")));
    }

    // One agent's round trips through a kernel built like SyscallBenchmarks.WithKernel, with one stage toggled.
    private static double RoundTrip(int n, string? policy, bool subscriber)
    {
        var data = Directory.CreateTempSubdirectory("agentos-report-stage-");
        var options = new KernelOptions { DataDirectory = data.FullName, LlmBackends = [new NoopBackend()] };
        var kernel = AgentKernel.Start(policy is null ? options : options with { LlmPolicy = policy });
        kernel.RegisterIdentity("agent-0");
        long events = 0;
        using var subscription = subscriber ? kernel.Events.Subscribe<SyscallEvent>(_ => events++) : null;
        try
        {
            var run = new BenchRun(quick: true, multiThreaded: true, new long[n]);
            SyscallBenchmarks.OneAgent(run, kernel.Port, n);
            var samples = run.Samples.ToArray();
            Array.Sort(samples);
            return samples[samples.Length / 2] * 1e9 / Stopwatch.Frequency;
        }
        finally
        {
            kernel.StopAsync().GetAwaiter().GetResult();
            data.Delete(recursive: true);
        }
    }

    // The engine on stories260K: a whole 256-position generation per token, attention at the last position against the
    // first (the difference grows with position; the mean over a generation is half of it), and the matrix-vector
    // products of one token timed on their own shapes with the engine's own dot product.
    private static void EngineCosts(ReportBuilder b, List<(double, string, string, string)> costs)
    {
        var models = FindModels();
        if (models is null)
        {
            b.Skipped("engine breakdown", "needs ../shared/data/models/stories260K.bin");
            return;
        }
        var model = new Llama2Model(Llama2Checkpoint.Load(models));
        var config = model.Config;
        int steps = Math.Min(256, config.SeqLen), repeats = b.Size == ReportSize.Full ? 20 : 5;
        var s = model.NewSequence();
        double perToken = Median(repeats, () =>
        {
            long start = Stopwatch.GetTimestamp();
            for (int pos = 0; pos < steps; pos++)
            {
                model.Forward(s, 1, pos);
            }
            return Stopwatch.GetElapsedTime(start).TotalNanoseconds / steps;
        });
        double first = Median(repeats * 20, () => Time(() => model.Forward(s, 1, 0)));
        double last = Median(repeats * 20, () => Time(() => model.Forward(s, 1, steps - 1)));
        double attention = Math.Max(0, last - first) / 2;

        int dim = config.Dim, kv = config.KvDim, hidden = config.HiddenDim;
        var shapes = new List<(int Rows, int Cols)>();
        for (int layer = 0; layer < config.Layers; layer++)
        {
            shapes.AddRange([(dim, dim), (kv, dim), (kv, dim), (dim, dim), (hidden, dim), (hidden, dim), (dim, hidden)]);
        }
        shapes.Add((config.VocabSize, dim));
        var random = new Random(7);
        var weights = shapes.Select(x => Enumerable.Range(0, x.Rows * x.Cols).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var inputs = shapes.Select(x => Enumerable.Range(0, x.Cols).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        float sink = 0;
        double matmul = Median(repeats * 20, () => Time(() =>
        {
            for (int m = 0; m < shapes.Count; m++)
            {
                var (rows, cols) = shapes[m];
                for (int r = 0; r < rows; r++)
                {
                    sink += Llama2Model.Dot(weights[m].AsSpan(r * cols, cols), inputs[m]);
                }
            }
        }));
        GC.KeepAlive(sink);
        double rest = Math.Max(0, perToken - matmul - attention);
        b.Note(string.Create(Ci, $"Engine, stories260K (dim {dim}, {config.Layers} layers, vocab {config.VocabSize}): {perToken / 1e3:0.0} µs per token over a {steps}-position generation ({1e9 / perToken:0} tokens/s); matrix-vector products {matmul / 1e3:0.0} µs; attention {attention / 1e3:0.0} µs on average (position {steps - 1} costs {(last - first) / 1e3:0.0} µs more than position 0); the remainder by subtraction (norms, RoPE, SwiGLU, residual adds, and whatever the stage timings miss) {rest / 1e3:0.0} µs."));
        b.Figure("engine.per_token_us", "Embedded engine, µs per token (stories260K, 256 positions)", perToken / 1e3, "µs");
        costs.Add((matmul, "engine: matrix-vector products of one token", $"{Show(matmul)} per token ({100 * matmul / perToken:0}% of {Show(perToken)})",
            $"halving them (int8 weights, wider SIMD, batching sequences) would save {Show(matmul / 2)} per token"));
        costs.Add((attention, "engine: attention over the KV cache", $"{Show(attention)} per token on average ({100 * attention / perToken:0}% of {Show(perToken)}), growing with position",
            $"halving it (fused score-softmax-sum, SIMD over heads) would save {Show(attention / 2)} per token"));
        costs.Add((rest, "engine: the remainder of a token (norms, RoPE, SwiGLU, residual adds; by subtraction)", $"{Show(rest)} per token ({100 * rest / perToken:0}% of {Show(perToken)})",
            $"fusing them into the matrix-vector passes would save up to {Show(rest)} per token"));
    }

    private static string? FindModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "..", "shared", "data", "models", "stories260K.bin");
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")) && File.Exists(path))
            {
                return Path.GetFullPath(path);
            }
        }
        return null;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    private static double Median(int count, Func<double> sample)
    {
        var values = Enumerable.Range(0, count).Select(_ => sample()).Order().ToArray();
        return values[values.Length / 2];
    }

    private static string Show(double ns) => ns switch
    {
        >= 1e6 => (ns / 1e6).ToString("0.00", Ci) + " ms",
        >= 1e3 => (ns / 1e3).ToString("0.0", Ci) + " µs",
        _ => ns.ToString("0", Ci) + " ns",
    };
}
