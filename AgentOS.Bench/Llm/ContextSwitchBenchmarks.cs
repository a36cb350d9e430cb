using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Llm;

/// <summary>
/// What the preemptive context switch costs on the embedded engine (stories260K). Throughput: 8 agents, each
/// generating 128 seeded tokens, on a kernel with 4 LLM slots; round robin with a 16-token quantum (every generation
/// is suspended to bytes and resumed 7 times) against the same workload without preemption (fifo), interleaved in one
/// run; one operation = one generated token. Latency: one suspend-to-bytes plus resume round trip of a generation at
/// position 256. Skipped where ../shared is absent.
/// </summary>
internal static class ContextSwitchBenchmarks
{
    private const int Agents = 8, Tokens = 128;

    private static readonly Lazy<(string Model, string Tokenizer)?> Files = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var models = Path.Combine(dir.FullName, "..", "shared", "data", "models");
            if (File.Exists(Path.Combine(dir.FullName, "AgentOS.slnx")) && File.Exists(Path.Combine(models, "stories260K.bin")))
            {
                return (Path.Combine(models, "stories260K.bin"), Path.Combine(models, "tok512.bin"));
            }
        }
        return null;
    });

    private static readonly Lazy<EmbeddedLlmBackend?> Backend = new(() =>
        Files.Value is { } files ? new EmbeddedLlmBackend(files.Model, files.Tokenizer, slots: 4) : null);

    [Benchmark("context.rr.embedded.preempted", Baseline = "context.rr.embedded.unpreempted", MultiThreaded = true, Runs = 6)]
    public static void Preempted(BenchRun run) => Workload(run, "rr", quantum: 16);

    [Benchmark("context.rr.embedded.unpreempted", MultiThreaded = true, Runs = 6)]
    public static void Unpreempted(BenchRun run) => Workload(run, "fifo", quantum: null);

    private static void Workload(BenchRun run, string policy, double? quantum)
    {
        var backend = Backend.Value ?? throw new BenchSkippedException("needs ../shared/data/models/stories260K.bin and tok512.bin beside the repository");
        var data = Directory.CreateTempSubdirectory("agentos-bench-context");
        try
        {
            long restores = backend.Counters.Restores;
            var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.FullName, LlmBackends = [backend], LlmPolicy = policy, LlmServiceQuantum = quantum });
            var contexts = Enumerable.Range(0, Agents).Select(i =>
            {
                kernel.RegisterIdentity($"agent-{i}");
                return new AgentContext($"agent-{i}", kernel.Port);
            }).ToArray();
            // 128 tokens after a one-token prompt, never stopped early: the greedy story of an empty prompt is longer.
            var query = new LlmQuery { Messages = [ChatMessage.User("")], MaxTokens = Tokens, Temperature = 0 };
            int agents = run.Size(Agents, 4);
            run.Start();
            var answers = Task.WhenAll(contexts.Take(agents).Select(c => c.Planning.QueryAsync(query).AsTask())).GetAwaiter().GetResult();
            run.Stop(answers.Sum(a => (long)a.CompletionTokens));
            run.Report("resumes", backend.Counters.Restores - restores);
            kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Benchmark("context.snapshot.embedded.256", Kind = BenchKind.Latency, Runs = 5)]
    public static void SnapshotRestore256(BenchRun run)
    {
        var backend = Backend.Value ?? throw new BenchSkippedException("needs ../shared/data/models/stories260K.bin and tok512.bin beside the repository");
        var generator = backend.Engine.Generator;
        var generation = generator.Start("", 400, new Llama2Sampler(temperature: 1.0f, seed: 5));
        while (generation.Position < 256)
        {
            generation.Step();
        }
        int rounds = run.Size(400, 50);
        int bytes = generation.SnapshotBytes;
        run.Start();
        for (int i = 0; i < rounds; i++)
        {
            long start = Stopwatch.GetTimestamp();
            // As the backend switches: the snapshot in a pooled buffer, released once resumed.
            var snapshot = AgentOS.Context.GenerationSnapshot.Pooled(backend.Name, "", 0, generation.SuspendPooled());
            generation = generator.Resume(snapshot.State);
            snapshot.Release();
            run.Record(Stopwatch.GetTimestamp() - start);
        }
        run.Stop(rounds);
        run.Report("snapshot_bytes", bytes);
        generation.Dispose();
    }
}
