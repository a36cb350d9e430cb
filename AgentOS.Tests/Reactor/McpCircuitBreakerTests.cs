using AgentOS.Access;
using AgentOS.Reactor;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Tools.Mcp;
using AgentOS.Time;
using AgentOS.Tools.Mcp;

namespace AgentOS.Tests.Reactor;

/// <summary>
/// The circuit breaker per MCP server, through the kernel, against a real stdio MCP server (flaky-server.cjs on the
/// official SDK) that starts failing: its breaker opens after three failed calls, calls then fail at once typed with
/// retry_after and never reach the server, a half-open ping lets one trial call through, and the breaker closes when
/// that succeeds, or is undone and escalated when it keeps failing past its verification time. On the kernel's clock.
/// </summary>
[RequiresEnv(McpPeers.Variable)]
public sealed class McpCircuitBreakerTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private sealed class Flaky : IAsyncDisposable
    {
        private readonly TempDirectory _temp = new("agentos-mcp-flaky");

        public Flaky(bool reactor, double verifySeconds = 60)
        {
            Failing = Path.Combine(_temp.Path, "failing");
            var server = new McpServerConfig
            {
                Name = "flaky",
                Command = McpPeers.Node,
                Args = [Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Tools", "Mcp", "flaky-server.cjs")],
                Env = new Dictionary<string, string> { ["NODE_MODULES"] = McpPeers.NodeModules, ["FLAKY_FILE"] = Failing },
            };
            var options = new ReactorOptions { McpCircuitBreaker = new() { Failures = 3, FailureRatio = 0.5, WindowSeconds = 60, OpenSeconds = 5, VerifySeconds = verifySeconds } };
            H = new ReactorHarness([new ScriptedBackend("llm", ["m"])], reactor ? options : null, Time, o => o with { McpServers = [server], Approver = Approver });
            Alice = new AgentContext("alice", H.Kernel.Port).Action;
        }

        public ManualTimeProvider Time { get; } = new();

        public ManualApprover Approver { get; } = new();

        public ReactorHarness H { get; }

        public ActionModule Alice { get; }

        public string Failing { get; }

        private int _calls;

        // Each call with its own arguments, as an agent's distinct steps would be (the runaway playbook pauses an agent
        // that repeats one call).
        public async Task<string> Work() => (await Alice.CallAsync("flaky.work", $"{{\"step\":{Interlocked.Increment(ref _calls)}}}")).Output;

        public async Task<int> ReachedServer() => int.Parse((await Alice.CallAsync("flaky.count", "{}")).Output, System.Globalization.CultureInfo.InvariantCulture);

        public IReadOnlyList<ReactorStage> Stages => [.. H.ReactorEvents.Where(e => e.Playbook == "mcp_circuit_breaker").Select(e => e.Stage)];

        public Task HalfOpen(int times) => McpPeers.Eventually(
            () => H.ReactorEvents.Count(e => e.Playbook == "mcp_circuit_breaker" && e.Detail.StartsWith("half-open:", StringComparison.Ordinal)) == times, $"half-open #{times}");

        public async ValueTask DisposeAsync()
        {
            await H.DisposeAsync();
            _temp.Dispose();
        }
    }

    [Test(TimeoutSeconds = 180)]
    public async Task AFailingServersBreakerOpensFailsCallsFastProbesAndClosesWhenATrialSucceeds()
    {
        await using var f = new Flaky(reactor: true);
        await f.H.Kernel.Mcp.Find("flaky")!.WaitUntilReadyAsync(StartTimeout);
        Assert.Equal("done", await f.Work());

        await File.WriteAllTextAsync(f.Failing, "");
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains("the backing service is down", await f.Work());
        }
        Assert.True(f.H.Kernel.Reactor!.McpBreaker.IsOpen("flaky"));
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted], f.Stages);

        // Open: the call fails at once, typed, with when the server is probed again, and never reaches it.
        var fast = await Assert.ThrowsAsync<BackendFailedException>(() => f.Work());
        Assert.Equal("backend_failed", fast.Code);
        Assert.Contains("circuit breaker open", fast.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), fast.RetryAfter);

        // Half-open: the ping is answered, one trial call goes through; it fails, so the breaker stays open.
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.HalfOpen(1);
        Assert.Contains("the backing service is down", await f.Work());
        await Assert.ThrowsAsync<BackendFailedException>(() => f.Work());

        // The server recovers: the next trial succeeds and closes the breaker.
        File.Delete(f.Failing);
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.HalfOpen(2);
        Assert.Equal("done", await f.Work());
        Assert.False(f.H.Kernel.Reactor.McpBreaker.IsOpen("flaky"));
        Assert.Equal(ReactorStage.Verified, f.Stages[^1]);
        Assert.Equal("done", await f.Work());
        // 1 + 3 failing + 2 trials + 1: the two calls refused while open never reached the server.
        Assert.Equal(7, await f.ReachedServer());
        Assert.Equal(0, f.H.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "mcp_circuit_breaker").Open);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ABreakerStillFailingAfterItsVerificationTimeIsUndoneAndEscalated()
    {
        await using var f = new Flaky(reactor: true, verifySeconds: 10);
        await f.H.Kernel.Mcp.Find("flaky")!.WaitUntilReadyAsync(StartTimeout);
        await File.WriteAllTextAsync(f.Failing, "");
        for (int i = 0; i < 3; i++)
        {
            await f.Work();
        }
        Assert.True(f.H.Kernel.Reactor!.McpBreaker.IsOpen("flaky"));
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.HalfOpen(1);
        await f.Work(); // the trial fails 5 s after opening: stays open
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.HalfOpen(2);
        await f.Work(); // fails 10 s after opening: unverified, undone, escalated

        Assert.False(f.H.Kernel.Reactor.McpBreaker.IsOpen("flaky"));
        Assert.SequenceEqual([ReactorStage.Unverified, ReactorStage.Undone, ReactorStage.Escalated], f.Stages.Where(s => s is ReactorStage.Unverified or ReactorStage.Undone or ReactorStage.Escalated));
        await McpPeers.Eventually(() => f.Approver.Pending.Count == 1, "the escalation reaches the approver");
        Assert.Contains("mcp_circuit_breaker playbook escalates", f.Approver.Pending[0].Describe());
        // Undone: calls reach the server again (and fail as it fails) instead of failing fast.
        Assert.Contains("the backing service is down", await f.Work());
        Assert.Equal(6, await f.ReachedServer());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task WithoutTheReactorEveryCallReachesTheFailingServer()
    {
        await using var f = new Flaky(reactor: false);
        await f.H.Kernel.Mcp.Find("flaky")!.WaitUntilReadyAsync(StartTimeout);
        await File.WriteAllTextAsync(f.Failing, "");
        for (int i = 0; i < 6; i++)
        {
            Assert.Contains("the backing service is down", await f.Work());
        }
        Assert.Equal(6, await f.ReachedServer());
    }
}
