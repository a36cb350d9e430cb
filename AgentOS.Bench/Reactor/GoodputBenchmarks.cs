using AgentOS.Bench.Harness;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Llm.Faults;
using AgentOS.Reactor;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Faults;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Reactor;

/// <summary>
/// Goodput under fault drills: 16 agents each make LLM syscalls (deadline 2 s) on two backends serving one model,
/// each call taking 2 ms and failing at the drill's rate (429 with Retry-After 20 ms, 500, 30 ms timeouts, cut
/// streams, evenly, seeded), with a quarter of that rate of 50 ms slow first tokens on top. Goodput is syscalls completed within their deadline per second of the whole run, with
/// the Reactor on and off ("off" keeps the kernel's own Retry-After holds and routing). Unit: completed calls/s.
/// </summary>
internal static class GoodputBenchmarks
{
    [Benchmark("reactor.goodput.f10.on", Baseline = "reactor.goodput.f10.off", MultiThreaded = true, Runs = 3)]
    public static void On10(BenchRun run) => Measure(run, 0.10, reactor: true);

    [Benchmark("reactor.goodput.f10.off", MultiThreaded = true, Runs = 3)]
    public static void Off10(BenchRun run) => Measure(run, 0.10, reactor: false);

    [Benchmark("reactor.goodput.f30.on", Baseline = "reactor.goodput.f30.off", MultiThreaded = true, Runs = 3)]
    public static void On30(BenchRun run) => Measure(run, 0.30, reactor: true);

    [Benchmark("reactor.goodput.f30.off", MultiThreaded = true, Runs = 3)]
    public static void Off30(BenchRun run) => Measure(run, 0.30, reactor: false);

    [Benchmark("reactor.goodput.f50.on", Baseline = "reactor.goodput.f50.off", MultiThreaded = true, Runs = 3)]
    public static void On50(BenchRun run) => Measure(run, 0.50, reactor: true);

    [Benchmark("reactor.goodput.f50.off", MultiThreaded = true, Runs = 3)]
    public static void Off50(BenchRun run) => Measure(run, 0.50, reactor: false);

    private static void Measure(BenchRun run, double rate, bool reactor)
    {
        int agents = 16, calls = run.Size(40, 10);
        string data = Path.Combine(Path.GetTempPath(), $"agentos-goodput-{Guid.NewGuid():N}");
        // The mix: the failing rate split evenly over 429s, 500s, timeouts and cut streams, and on top of it a
        // quarter as many slow first tokens (the answer still comes, late).
        var faults = (int seed) =>
        {
            var drill = FaultOptions.Mixed(rate, seed, retryAfterMs: 20, timeoutMs: 30);
            drill.SlowFirstToken = rate / 4;
            drill.SlowFirstTokenMs = 50;
            return drill;
        };
        ILlmBackend Backend(string name, int seed) => new FaultInjectingLlmBackend(new SlowBackend(name), new FaultInjector(faults(seed)));
        var options = new KernelOptions
        {
            DataDirectory = data,
            LlmBackends = [Backend("a", 1), Backend("b", 2)],
            // On: a run with no answer after 10 ms (five times a normal call) moves to the other backend.
            Reactor = reactor ? new ReactorOptions { Retry = new() { MaxAttempts = 6, BaseDelayMs = 5, MaxDelayMs = 100, Seed = 3 }, Failover = new() { MoveAfterMs = 10 } } : null,
        };
        var kernel = AgentKernel.Start(options);
        try
        {
            for (int i = 0; i < agents; i++)
            {
                kernel.RegisterIdentity($"agent-{i}");
            }
            long good = 0, failed = 0;
            run.Start();
            var work = Enumerable.Range(0, agents).Select(agent => Task.Run(async () =>
            {
                for (int call = 0; call < calls; call++)
                {
                    var deadline = kernel.Time.GetUtcNow() + TimeSpan.FromSeconds(2);
                    try
                    {
                        await kernel.Port.SubmitAsync(new SyscallRequest
                        {
                            AgentId = $"agent-{agent}",
                            Deadline = deadline,
                            Llm = new LlmQuery { Messages = [ChatMessage.User($"step {call}")], Backend = "m" },
                        }).ConfigureAwait(false);
                        if (kernel.Time.GetUtcNow() <= deadline)
                        {
                            Interlocked.Increment(ref good);
                        }
                    }
                    catch (Exception ex) when (ex is AgentOS.Syscalls.Errors.SyscallException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })).ToArray();
            Task.WaitAll(work);
            run.Stop(good);
            run.Report("completed", good);
            run.Report("failed", failed);
        }
        finally
        {
            kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(data, recursive: true);
        }
    }

    // A backend that takes 2 ms a call, as a fast remote model would: time is spent serving, not only failing.
    private sealed class SlowBackend(string name) : ILlmBackend
    {
        public string Name { get; } = name;
        public int Slots => 4;
        public LlmCapabilities Capabilities => LlmCapabilities.None;
        public IReadOnlyList<string> Models { get; } = ["m"];

        public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
            return new LlmResponse { Content = "ok", Backend = Name, PromptTokens = 1, CompletionTokens = 1 };
        }
    }
}
