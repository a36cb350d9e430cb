using AgentOS.Access;
using AgentOS.Bench.Harness;

namespace AgentOS.Bench.Access;

/// <summary>
/// The cost of <see cref="AccessManager.Check"/> on the allowed path, which the syscall router pays on every syscall:
/// a mix of a tool call, an LLM call with tokens, a storage write in the agent's namespace, a storage read in a
/// granted namespace and a memory read, with calls, tokens and in-flight limits all active (so every compare-and-swap
/// runs) and allowed decisions queued to an in-memory audit log whose writer thread drains them. The baseline is the
/// obvious implementation: one lock around dictionary and set lookups and plain counters, recording into the same
/// kind of audit log (<see cref="LockedAccessBaseline"/>).
/// One operation = one Check followed by its Complete. The two-thread variants give each thread its own agent, as
/// the kernel sees many agents at once: the lock-free manager then shares only the audit queue between them, the
/// baseline its one lock.
/// </summary>
internal static class AccessBenchmarks
{
    private const int RequestsPerRound = 5;

    private static AccessRequest[] Requests(string agent) =>
    [
        new(agent, ResourceKind.Tool, AccessOperation.Call, "search"),
        new(agent, ResourceKind.Llm, AccessOperation.Generate, "local", 20),
        new(agent, ResourceKind.Storage, AccessOperation.Write, $"agents/{agent}/notes/today.md"),
        new(agent, ResourceKind.Storage, AccessOperation.Read, "shared/reports/q3.md"),
        new(agent, ResourceKind.Memory, AccessOperation.Read, null),
    ];

    [Benchmark("access.check.allowed", Baseline = "access.check.locked-baseline")]
    public static void Allowed(BenchRun run) => RunManager(run, threads: 1);

    [Benchmark("access.check.locked-baseline")]
    public static void LockedBaseline(BenchRun run) => RunBaseline(run, threads: 1);

    [Benchmark("access.check.allowed.2-threads", Baseline = "access.check.locked-baseline.2-threads", MultiThreaded = true)]
    public static void AllowedTwoThreads(BenchRun run) => RunManager(run, threads: 2);

    [Benchmark("access.check.locked-baseline.2-threads", MultiThreaded = true)]
    public static void LockedBaselineTwoThreads(BenchRun run) => RunBaseline(run, threads: 2);

    private static void RunManager(BenchRun run, int threads)
    {
        using var audit = Audit();
        var manager = new AccessManager(Policy(), DenyAllApprover.Instance, audit, TimeProvider.System);
        Measure(run, threads, requests =>
        {
            foreach (var request in requests)
            {
                if (!manager.Check(in request).Allowed)
                {
                    throw new InvalidOperationException($"{request} was denied");
                }
                manager.Complete(in request, 10);
            }
        });
    }

    private static void RunBaseline(BenchRun run, int threads)
    {
        using var audit = Audit();
        var baseline = new LockedAccessBaseline(Policy(), audit);
        Measure(run, threads, requests =>
        {
            foreach (var request in requests)
            {
                if (!baseline.Check(in request))
                {
                    throw new InvalidOperationException($"{request} was denied");
                }
                baseline.Complete(in request, 10);
            }
        });
    }

    // Runs `rounds` rounds of the five requests on this thread (so the harness counts its allocations), or splits
    // them over `threads` threads timed from their common release to the last join.
    private static void Measure(BenchRun run, int threads, Action<AccessRequest[]> round)
    {
        int rounds = run.Size(200_000, 10_000) / threads;
        if (threads == 1)
        {
            var requests = Requests("agent0");
            run.Start();
            for (int i = 0; i < rounds; i++)
            {
                round(requests);
            }
            run.Stop((long)rounds * RequestsPerRound);
            return;
        }
        using var go = new ManualResetEventSlim();
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            var requests = Requests("agent" + t);
            workers[t] = new Thread(() =>
            {
                go.Wait();
                for (int i = 0; i < rounds; i++)
                {
                    round(requests);
                }
            });
            workers[t].Start();
        }
        run.Start();
        go.Set();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        run.Stop((long)rounds * threads * RequestsPerRound);
    }

    private static AuditLog Audit() => AuditLog.InMemory(new AuditLogOptions { MemoryRetention = 1024 });

    private static AccessPolicy Policy() => AccessPolicy.CreateBuilder()
        .WithBudgetWindow(TimeSpan.FromHours(1))
        .AddGroup("researchers", g => g
            .AllowTools("search", "calculator")
            .ReadStorage("shared/")
            .UseLlm("local")
            .LimitCalls(int.MaxValue)
            .LimitTokens(int.MaxValue)
            .LimitConcurrency(64))
        .AddAgent("agent0", "researchers")
        .AddAgent("agent1", "researchers")
        .Build();
}
