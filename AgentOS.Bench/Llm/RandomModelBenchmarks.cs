using AgentOS.Bench.Harness;
using AgentOS.Llm.Embedded;
using AgentOS.Threading;

namespace AgentOS.Bench.Llm;

/// <summary>
/// The embedded engine on models wider than stories260K. (1) Where splitting a single sequence's matrix-vector
/// products across a pinned pool starts to pay: tokens/s of one sequence with every product split two ways (this
/// thread plus one pinned worker) against the same model unsplit, on models of growing width. (2) Batched decoding
/// where the weights no longer fit in the caches (width 1024: about 100 MB of weights), so reading them once per step
/// for the whole batch is what batching is for: 16 sequences stepped together against one sequence alone. The models are llama2.c checkpoints of random weights written to a temporary file
/// (2 layers, a 512-token vocabulary, 64 positions: the speed depends only on the shapes). Width 288 is
/// the shape of llama2.c's stories15M. Each product a model has is at most dim × hidden (w1, w2, w3) or vocab × dim.
/// </summary>
internal static class RandomModelBenchmarks
{
    [Benchmark("llm.embedded.split.d64", Baseline = "llm.embedded.unsplit.d64")]
    public static void Split64(BenchRun run) => Step(run, 64, split: true);

    [Benchmark("llm.embedded.unsplit.d64")]
    public static void Unsplit64(BenchRun run) => Step(run, 64, split: false);

    [Benchmark("llm.embedded.split.d288", Baseline = "llm.embedded.unsplit.d288")]
    public static void Split288(BenchRun run) => Step(run, 288, split: true);

    [Benchmark("llm.embedded.unsplit.d288")]
    public static void Unsplit288(BenchRun run) => Step(run, 288, split: false);

    [Benchmark("llm.embedded.split.d512", Baseline = "llm.embedded.unsplit.d512")]
    public static void Split512(BenchRun run) => Step(run, 512, split: true);

    [Benchmark("llm.embedded.unsplit.d512")]
    public static void Unsplit512(BenchRun run) => Step(run, 512, split: false);

    [Benchmark("llm.embedded.split.d1024", Baseline = "llm.embedded.unsplit.d1024")]
    public static void Split1024(BenchRun run) => Step(run, 1024, split: true);

    [Benchmark("llm.embedded.unsplit.d1024")]
    public static void Unsplit1024(BenchRun run) => Step(run, 1024, split: false);

    [Benchmark("llm.embedded.d1024.batch16", Baseline = "llm.embedded.d1024.tokens")]
    public static void Batch16Wide(BenchRun run)
    {
        var model = new Llama2Model(Checkpoint(1024));
        const int Batch = 16;
        var sequences = Enumerable.Range(0, Batch).Select(_ => model.NewSequence()).ToArray();
        var tokens = Enumerable.Range(0, Batch).ToArray();
        var positions = new int[Batch];
        int steps = run.Size(16, 4);
        run.Start();
        for (int pos = 0; pos < steps; pos++)
        {
            Array.Fill(positions, pos);
            model.ForwardBatch(sequences, tokens, positions);
        }
        run.Stop((long)steps * Batch);
    }

    [Benchmark("llm.embedded.d1024.tokens")]
    public static void SingleWide(BenchRun run) => Step(run, 1024, split: false);

    private static readonly Dictionary<int, Llama2Checkpoint> Models = [];
    private static readonly Lazy<PinnedThreadPool> Pool = new(() => new PinnedThreadPool(new PinnedThreadPoolOptions { Name = "bench-split", WorkerCount = 1 }));

    // Tokens/s of one sequence over its first positions (attention stays short, so the products dominate).
    private static void Step(BenchRun run, int dim, bool split)
    {
        var checkpoint = Checkpoint(dim);
        var model = split ? new Llama2Model(checkpoint, Pool.Value, splitThreshold: 0) : new Llama2Model(checkpoint);
        var sequence = model.NewSequence();
        int positions = run.Size(32, 8);
        run.Start();
        for (int pos = 0; pos < positions; pos++)
        {
            model.Forward(sequence, pos % 512, pos);
        }
        run.Stop(positions);
    }

    private static Llama2Checkpoint Checkpoint(int dim)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(dim, out var checkpoint))
            {
                Models[dim] = checkpoint = RandomCheckpoint(dim, hidden: dim * 8 / 3 / 32 * 32, layers: 2, heads: Math.Max(1, dim / 64), vocab: 512, seqLen: 64);
            }
            return checkpoint;
        }
    }

    // A legacy (version 0) llama2.c file: 7 ints, then fp32 weights in run.c's order, every one small noise.
    private static Llama2Checkpoint RandomCheckpoint(int dim, int hidden, int layers, int heads, int vocab, int seqLen)
    {
        var config = new Llama2Config(dim, hidden, layers, heads, heads, vocab, seqLen, SharedClassifier: true);
        long count = Llama2Checkpoint.WeightCount(config);
        var random = new Random(dim);
        var weights = new float[count];
        for (long i = 0; i < count; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        }
        var path = Path.Combine(Path.GetTempPath(), $"agentos-bench-d{dim}-{Environment.ProcessId}.bin");
        try
        {
            using (var file = File.Create(path))
            {
                Span<int> header = [dim, hidden, layers, heads, heads, vocab, seqLen];
                file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(header));
                file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
            }
            return Llama2Checkpoint.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
