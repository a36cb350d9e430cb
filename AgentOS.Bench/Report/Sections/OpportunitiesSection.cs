using System.Diagnostics;
using System.Globalization;
using AgentOS.Bench.Harness;
using AgentOS.Bench.Kernel;
using AgentOS.Bench.Llm;
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

    // The engine on stories260K: one step at position 0 and one at the last position (attention grows with position; its
    // mean over a generation is half the difference), and the matrix-vector products of one token timed on their own
    // shapes with the engine's own dot product.
    private static void EngineCosts(ReportBuilder b, List<(double, string, string, string)> costs)
    {
        if (Llama2Benchmarks.Files.Value is not { } files)
        {
            b.Skipped("engine breakdown", "needs ../shared/data/models/stories260K.bin");
            return;
        }
        var checkpoint = Llama2Checkpoint.Load(files.Model);
        var model = new Llama2Model(checkpoint);
        var config = model.Config;
        int steps = Math.Min(256, config.SeqLen), repeats = b.Size == ReportSize.Full ? 400 : 100;
        var s = model.NewSequence();
        for (int pos = 0; pos < steps; pos++)
        {
            model.Forward(s, 1, pos); // fills the KV cache, so the last position attends over all of it
        }
        // Single steps, median of many: short enough that a busy machine's preemptions fall out of the median.
        double first = Median(repeats, () => Time(() => model.Forward(s, 1, 0)));
        double last = Median(repeats, () => Time(() => model.Forward(s, 1, steps - 1)));
        double attention = Math.Max(0, last - first) / 2;
        double perToken = first + attention;

        int dim = config.Dim, kv = config.KvDim, hidden = config.HiddenDim;
        var shapes = new List<(int Rows, int Cols)>();
        for (int layer = 0; layer < config.Layers; layer++)
        {
            shapes.AddRange([(dim, dim), (kv, dim), (kv, dim), (dim, dim), (hidden, dim), (hidden, dim), (dim, hidden)]);
        }
        shapes.Add((config.VocabSize, dim));
        // The checkpoint's own weights, walked in shapes of one token's products with the engine's own dot product (as
        // its Rows does), so the memory touched and the arithmetic are the engine's.
        var weights = checkpoint.Weights;
        var input = Enumerable.Range(0, Math.Max(dim, hidden)).Select(i => (float)Math.Sin(i)).ToArray();
        float sink = 0;
        double matmul = Median(repeats, () => Time(() =>
        {
            int offset = config.VocabSize * dim;
            foreach (var (rows, cols) in shapes)
            {
                offset = offset + rows * cols > weights.Length ? 0 : offset;
                for (int r = 0; r < rows; r++)
                {
                    sink += Llama2Model.Dot(weights.AsSpan(offset + r * cols, cols), input.AsSpan(0, cols));
                }
                offset += rows * cols;
            }
        }));
        GC.KeepAlive(sink);
        double rest = Math.Max(0, first - matmul);
        b.Note(string.Create(Ci, $"Engine, stories260K (dim {dim}, {config.Layers} layers, vocab {config.VocabSize}): {perToken / 1e3:0.0} µs per token on average over {steps} positions (one step at position 0 plus half the extra at position {steps - 1}; {1e9 / perToken:0} tokens/s); matrix-vector products {matmul / 1e3:0.0} µs; attention {attention / 1e3:0.0} µs on average (position {steps - 1} costs {(last - first) / 1e3:0.0} µs more than position 0); the remainder of position 0's step by subtraction (norms, RoPE, SwiGLU, residual adds) {rest / 1e3:0.0} µs. The products are timed on their own (the checkpoint's weights, the engine's dot product) and the steps inside the engine, so the parts need not add up exactly; where the products alone take as long as a whole step at position 0, that step is all products within the timings' resolution."));
        b.Figure("engine.per_token_us", "Embedded engine, µs per token (stories260K, 256 positions)", perToken / 1e3, "µs");
        costs.Add((matmul, "engine: matrix-vector products of one token", $"{Show(matmul)} per token (timed on their own; a whole step averages {Show(perToken)})",
            $"halving them (int8 weights, wider SIMD, batching sequences) would save {Show(matmul / 2)} per token"));
        costs.Add((attention, "engine: attention over the KV cache", $"{Show(attention)} per token on average (position {steps - 1} minus position 0, halved), growing with position",
            $"halving it (fused score-softmax-sum, SIMD over heads) would save {Show(attention / 2)} per token"));
        costs.Add((rest, "engine: the remainder of a token (norms, RoPE, SwiGLU, residual adds; by subtraction)", $"{Show(rest)} per token (position 0's step minus the products)",
            $"fusing them into the matrix-vector passes would save up to {Show(rest)} per token"));
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    // Half as many untimed samples first, so the timed ones run optimized code (tiered JIT), then the median.
    private static double Median(int count, Func<double> sample)
    {
        for (int i = 0; i < count / 2; i++)
        {
            sample();
        }
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
