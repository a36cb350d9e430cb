using AgentOS.Bench.Harness;
using AgentOS.Llm.Embedded;

namespace AgentOS.Bench.Llm;

/// <summary>
/// Single-stream decoding speed of the embedded llama2.c engine on ../shared/data/models/stories260K.bin (greedy,
/// no prompt, 256 positions; one operation = one token). For reference, DESIGN measured llama2.c's run.c at about
/// 4,900–6,100 tokens/s with -O3 on this machine class; the run.c comparison in the same run arrives with the engine
/// issue. Skipped (with a message) where ../shared is absent.
/// </summary>
internal static class Llama2Benchmarks
{
    private static readonly Lazy<Llama2Generator?> Engine = new(() =>
    {
        var root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            var model = Path.Combine(dir.FullName, "..", "shared", "data", "models", "stories260K.bin");
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")) && File.Exists(model))
            {
                var m = new Llama2Model(Llama2Checkpoint.Load(model));
                return new Llama2Generator(m, Llama2Tokenizer.Load(Path.Combine(dir.FullName, "..", "shared", "data", "models", "tok512.bin"), m.Config.VocabSize));
            }
        }
        return null;
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
    public static void Greedy(BenchRun run)
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
            tokens += engine.Generate("", steps: 256, new Llama2Sampler(temperature: 0)).Tokens.Count;
        }
        run.Stop(tokens);
    }
}
