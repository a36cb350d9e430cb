using System.Diagnostics;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Bench.Harness;
using AgentOS.Computer;
using AgentOS.Computer.Sandbox;
using AgentOS.Computer.Sessions;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Tools;

namespace AgentOS.Bench.Computer;

/// <summary>
/// Computer-use sessions, cold (no pre-started pool), through the kernel's tool syscalls as agents use them:
/// a session's readiness (create → first command's output) beside a bare <c>bwrap true</c> in the same run (the floor
/// no sandbox can beat); a command's round trip in a warm session; and 50 sessions at once, each running a short
/// command in a loop, with another agent's syscalls timed meanwhile.
/// </summary>
internal static class ComputerBenchmarks
{
    [Benchmark("computer.session.ready", Kind = BenchKind.Latency, Baseline = "computer.session.ready.bwrap-floor", MultiThreaded = true, Runs = 5)]
    public static void SessionReady(BenchRun run) => WithKernel(1, kernel =>
    {
        var agent = new AgentContext("worker-0", kernel.Port);
        int n = run.Size(20, 5);
        Task.Run(async () =>
        {
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var id = await CreateAsync(agent).ConfigureAwait(false);
                var first = await RunAsync(agent, id, "echo ready").ConfigureAwait(false);
                run.Record(Stopwatch.GetTimestamp() - start);
                Check(first, "ready\n");
                await agent.Action.CallAsync("session.destroy", $$"""{"session_id":"{{id}}"}""").ConfigureAwait(false);
            }
            run.Stop(n);
        }).GetAwaiter().GetResult();
    });

    [Benchmark("computer.session.ready.bwrap-floor", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void BwrapFloor(BenchRun run)
    {
        var bwrap = Requirements();
        int n = run.Size(20, 5);
        run.Start();
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var info = new ProcessStartInfo(bwrap) { UseShellExecute = false };
            foreach (var arg in (string[])["--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "/usr/bin/true"])
            {
                info.ArgumentList.Add(arg);
            }
            using var process = Process.Start(info)!;
            process.WaitForExit();
            run.Record(Stopwatch.GetTimestamp() - start);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"bwrap true exited {process.ExitCode}");
            }
        }
        run.Stop(n);
    }

    [Benchmark("computer.terminal.roundtrip", Kind = BenchKind.Latency, MultiThreaded = true, Runs = 5)]
    public static void TerminalRoundTrip(BenchRun run) => WithKernel(1, kernel =>
    {
        var agent = new AgentContext("worker-0", kernel.Port);
        int n = run.Size(500, 50);
        Task.Run(async () =>
        {
            var id = await CreateAsync(agent).ConfigureAwait(false);
            for (int i = 0; i < 20; i++)
            {
                await RunAsync(agent, id, "true").ConfigureAwait(false);
            }
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var result = await RunAsync(agent, id, "true").ConfigureAwait(false);
                run.Record(Stopwatch.GetTimestamp() - start);
                Check(result, "");
            }
            run.Stop(n);
        }).GetAwaiter().GetResult();
    });

    /// <summary>50 sessions, each looping <c>echo x</c> for a bounded time, while an observer agent makes
    /// <c>math.add</c> tool syscalls (the same queue) one after another; the observer's latency is also measured
    /// alone first, in the same run. Ops are the sessions' commands: ns/op is the inverse of their throughput.</summary>
    [Benchmark("computer.sessions.50concurrent", MultiThreaded = true, Runs = 3)]
    public static void FiftySessions(BenchRun run) => WithKernel(50, kernel =>
    {
        const int Sessions = 50;
        var window = TimeSpan.FromMilliseconds(run.Size(3000, 1000));
        var observer = new AgentContext("observer", kernel.Port);
        var workers = Enumerable.Range(0, Sessions).Select(i => new AgentContext("worker-" + i, kernel.Port)).ToArray();
        Task.Run(async () =>
        {
            var ids = await Task.WhenAll(workers.Select(CreateAsync)).ConfigureAwait(false);
            var idle = await ObserveAsync(observer, window / 3, () => false).ConfigureAwait(false);
            var latencies = new List<long>[Sessions];
            bool stop = false;
            run.Start();
            var deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
            var loops = Enumerable.Range(0, Sessions).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = new List<long>(4096);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    long start = Stopwatch.GetTimestamp();
                    var result = await RunAsync(workers[w], ids[w], "echo x").ConfigureAwait(false);
                    mine.Add(Stopwatch.GetTimestamp() - start);
                    Check(result, "x\n");
                }
            })).ToArray();
            var busy = ObserveAsync(observer, window, () => Volatile.Read(ref stop));
            await Task.WhenAll(loops).ConfigureAwait(false);
            long commands = latencies.Sum(l => l.Count);
            run.Stop(commands);
            Volatile.Write(ref stop, true);
            var loaded = await busy.ConfigureAwait(false);
            var all = latencies.SelectMany(l => l).Order().ToArray();
            run.Report("commands_per_sec", commands / window.TotalSeconds);
            run.Report("command_p50_ms", Ms(all, 0.50));
            run.Report("command_p99_ms", Ms(all, 0.99));
            run.Report("other_agent_syscall_p50_us_idle", Ms(idle, 0.50) * 1000);
            run.Report("other_agent_syscall_p99_us_idle", Ms(idle, 0.99) * 1000);
            run.Report("other_agent_syscall_p50_us_loaded", Ms(loaded, 0.50) * 1000);
            run.Report("other_agent_syscall_p99_us_loaded", Ms(loaded, 0.99) * 1000);
        }).GetAwaiter().GetResult();
    });

    private static async Task<long[]> ObserveAsync(AgentContext observer, TimeSpan window, Func<bool> stop)
    {
        var samples = new List<long>(1 << 16);
        long deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !stop())
        {
            long start = Stopwatch.GetTimestamp();
            var result = await observer.Action.CallAsync("math.add", """{"a":1,"b":2}""").ConfigureAwait(false);
            samples.Add(Stopwatch.GetTimestamp() - start);
            if (result.IsError)
            {
                throw new InvalidOperationException(result.Output);
            }
        }
        return [.. samples.Order()];
    }

    private static double Ms(long[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1000.0 / Stopwatch.Frequency;

    private static async Task<string> CreateAsync(AgentContext agent)
    {
        var created = await agent.Action.CallAsync("session.create").ConfigureAwait(false);
        return created.IsError ? throw new InvalidOperationException(created.Output) : created.Structured!.Value.GetProperty("session_id").GetString()!;
    }

    private static async Task<JsonElement> RunAsync(AgentContext agent, string id, string command)
    {
        var result = await agent.Action.CallAsync("terminal.run", $$"""{"session_id":"{{id}}","command":"{{command}}"}""").ConfigureAwait(false);
        return result.IsError ? throw new InvalidOperationException(result.Output) : result.Structured!.Value;
    }

    private static void Check(JsonElement result, string stdout)
    {
        if (result.GetProperty("exit_code").GetInt32() != 0 || result.GetProperty("stdout").GetString() != stdout)
        {
            throw new InvalidOperationException($"unexpected result: {result}");
        }
    }

    private static string Requirements()
    {
        if (!OperatingSystem.IsLinux())
        {
            BenchRun.Skip("bubblewrap sessions are Linux only");
        }
        var bwrap = new[] { "/usr/bin/bwrap", "/bin/bwrap" }.FirstOrDefault(File.Exists);
        if (bwrap is null)
        {
            BenchRun.Skip("bubblewrap is not installed (apt-get install bubblewrap)");
        }
        return bwrap!;
    }

    /// <summary>A kernel with computer-use sessions on bubblewrap, agents worker-0 .. worker-(n-1) granted one session
    /// each, and an observer granted <c>math.add</c>. Tool slots: one per session plus headroom, since a command holds
    /// its tool slot while it runs.</summary>
    private static void WithKernel(int workers, Action<AgentKernel> body)
    {
        Requirements();
        var data = Directory.CreateTempSubdirectory("agentos-bench-computer-");
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.FullName,
            ToolSlots = workers + 16,
            Computer = new ComputerOptions { MaxSessions = 1, Limits = new SandboxLimits { DiskBytes = 16L << 20 } },
            Access = AccessPolicy.CreateBuilder()
                .AddGroup("workers", g => g.AllowTools([.. SessionManager.ToolNames]).LimitSessions(1))
                .AddGroup("observers", g => g.AllowTools("math.add"))
                .Build(),
        });
        kernel.Tools.AddBuiltIns();
        for (int i = 0; i < workers; i++)
        {
            kernel.RegisterIdentity("worker-" + i, ["workers"]);
        }
        kernel.RegisterIdentity("observer", ["observers"]);
        try
        {
            body(kernel);
        }
        finally
        {
            kernel.StopAsync().GetAwaiter().GetResult();
            data.Delete(recursive: true);
        }
    }
}

