using AgentOS.Bench.Harness;
using AgentOS.Llm.Embedded;

namespace AgentOS.Bench.Llm;

/// <summary>
/// Single-stream decoding speed of the embedded llama2.c engine on ../shared/data/models/stories260K.bin (greedy,
/// no prompt, 256 positions; one operation = one token). For reference, DESIGN measured llama2.c's run.c at about
/// 4,900–6,100 tokens/s with -O3 on this machine class. <c>llm.embedded.stories260k.vs-runc</c> times the same
/// generation beside run.c itself, interleaved, when <c>AGENTOS_BENCH_RUNC</c> names a run.c binary (built outside the
/// repository from a fetched llama2.c, e.g. <c>gcc -Ofast -march=native -o run run.c -lm</c>); without it that pair is
/// skipped, saying so. Skipped (with a message) where ../shared is absent.
/// </summary>
internal static class Llama2Benchmarks
{
    private const int Steps = 256;

    internal static readonly Lazy<(string Model, string Tokenizer)?> Files = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var models = Path.Combine(dir.FullName, "..", "shared", "data", "models");
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")) && File.Exists(Path.Combine(models, "stories260K.bin")))
            {
                return (Path.GetFullPath(Path.Combine(models, "stories260K.bin")), Path.GetFullPath(Path.Combine(models, "tok512.bin")));
            }
        }
        return null;
    });

    private static readonly Lazy<Llama2Generator?> Engine = new(() =>
    {
        if (Files.Value is not { } files)
        {
            return null;
        }
        var m = new Llama2Model(Llama2Checkpoint.Load(files.Model));
        return new Llama2Generator(m, Llama2Tokenizer.Load(files.Tokenizer, m.Config.VocabSize));
    });

    [Benchmark("llm.embedded.stories260k.batch4", Baseline = "llm.embedded.stories260k.tokens")]
    public static void Batch4(BenchRun run) => Batched(run, 4);

    [Benchmark("llm.embedded.stories260k.batch16", Baseline = "llm.embedded.stories260k.tokens")]
    public static void Batch16(BenchRun run) => Batched(run, 16);

    [Benchmark("llm.embedded.stories260k.batch64", Baseline = "llm.embedded.stories260k.tokens")]
    public static void Batch64(BenchRun run) => Batched(run, 64);

    // Total tokens/s of `batch` sequences stepped together (seeded sampling, every sequence at the same position).
    private static void Batched(BenchRun run, int batch)
    {
        var engine = Engine.Value;
        if (engine is null)
        {
            BenchRun.Skip("needs ../shared/data/models/stories260K.bin and tok512.bin beside the repository");
            return;
        }
        var model = engine.Model;
        int steps = run.Size(200, 50);
        var sequences = Enumerable.Range(0, batch).Select(_ => model.NewSequence()).ToArray();
        var samplers = Enumerable.Range(0, batch).Select(b => new Llama2Sampler(temperature: 1.0f, topP: 0.9f, seed: (ulong)b + 1)).ToArray();
        var tokens = Enumerable.Repeat(1, batch).ToArray();
        var positions = new int[batch];
        var logits = new float[model.Config.VocabSize];
        run.Start();
        for (int step = 0; step < steps; step++)
        {
            Array.Fill(positions, step);
            model.ForwardBatch(sequences, tokens, positions);
            for (int b = 0; b < batch; b++)
            {
                Llama2Model.Logits(sequences[b]).CopyTo(logits);
                tokens[b] = samplers[b].Sample(logits);
            }
        }
        run.Stop((long)steps * batch);
    }

    [Benchmark("llm.embedded.stories260k.tokens")]
    public static void Greedy(BenchRun run) => GreedyStories(run);

    // The same as .tokens, paired with run.c so that a missing run.c skips only this pair.
    [Benchmark("llm.embedded.stories260k.vs-runc", Baseline = "llm.runc.stories260k.tokens")]
    public static void GreedyBesideRunC(BenchRun run) => GreedyStories(run);

    /// <summary>
    /// llama2.c's run.c on the same checkpoint, tokenizer, empty prompt, greedy sampling and 256 steps, one process per
    /// generation. Its time is the one run.c reports ("achieved tok/s", over its pos − 1 tokens after the first step),
    /// so process start and model load are not charged to it; ours is charged its first step as well.
    /// </summary>
    [Benchmark("llm.runc.stories260k.tokens")]
    public static void RunC(BenchRun run)
    {
        string? binary = Environment.GetEnvironmentVariable("AGENTOS_BENCH_RUNC");
        if (string.IsNullOrEmpty(binary))
        {
            BenchRun.Skip("set AGENTOS_BENCH_RUNC to a run.c binary built outside the repository (llama2.c, gcc -Ofast -march=native -o run run.c -lm) to time it beside the embedded engine");
            return;
        }
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"AGENTOS_BENCH_RUNC names '{binary}', which does not exist; point it at a built run.c binary or unset it.", binary);
        }
        if (Files.Value is not { } files)
        {
            BenchRun.Skip("needs ../shared/data/models/stories260K.bin and tok512.bin beside the repository");
            return;
        }
        int rounds = run.Size(8, 2);
        double seconds = 0;
        long tokens = 0;
        for (int i = 0; i < rounds; i++)
        {
            var (count, elapsed) = RunCOnce(binary, files.Model, files.Tokenizer);
            tokens += count;
            seconds += elapsed;
        }
        run.StopTimedExternally(tokens, seconds);
    }

    private static (long Tokens, double Seconds) RunCOnce(string binary, string model, string tokenizer)
    {
        var start = new System.Diagnostics.ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[model, "-z", tokenizer, "-t", "0", "-n", Steps.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.GetAwaiter().GetResult();
        const string Marker = "achieved tok/s:";
        int at = errors.IndexOf(Marker, StringComparison.Ordinal);
        if (process.ExitCode != 0 || at < 0 || !double.TryParse(errors.AsSpan(at + Marker.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture, out double rate) || !(rate > 0))
        {
            throw new InvalidOperationException($"{binary} exited with {process.ExitCode} without reporting its rate ('{Marker}'): {errors.Trim()}");
        }
        // run.c generates until pos reaches steps and reports (pos - 1) tokens over its timed span.
        long tokens = Steps - 1;
        return (tokens, tokens / rate);
    }

    private static void GreedyStories(BenchRun run)
    {
        var engine = Engine.Value;
        if (engine is null)
        {
            BenchRun.Skip("needs ../shared/data/models/stories260K.bin and tok512.bin beside the repository");
            return;
        }
        int rounds = run.Size(8, 2);
        long tokens = 0;
        run.Start();
        for (int i = 0; i < rounds; i++)
        {
            tokens += engine.Generate("", steps: Steps, new Llama2Sampler(temperature: 0)).Tokens.Count;
        }
        run.Stop(tokens);
    }
}
