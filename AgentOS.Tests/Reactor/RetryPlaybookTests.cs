using AgentOS.Access;
using AgentOS.Reactor;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Reactor;

/// <summary>The retry playbook through the kernel: a transient failure is run again after its Retry-After, inside the
/// syscall's deadline, within max_attempts and the budget; the caller sees only the final outcome.</summary>
public sealed class RetryPlaybookTests
{
    private static ReactorOptions Retry(int maxAttempts = 4, double baseMs = 10, int budget = 6000) =>
        new() { Retry = new() { MaxAttempts = maxAttempts, BaseDelayMs = baseMs, MaxDelayMs = 1000, BudgetPerMinute = budget, Seed = 1 } };

    [Test]
    public async Task ARateLimitedCallIsRetriedAfterItsRetryAfterAndSucceeds()
    {
        var time = new ManualTimeProvider();
        var backend = new ScriptedBackend("remote", ["m"])
        {
            Script = call =>
            {
                if (call <= 2)
                {
                    throw new RateLimitedException("429") { RetryAfter = TimeSpan.FromSeconds(2) };
                }
            },
        };
        await using var h = new ReactorHarness([backend], Retry(), time);
        var answer = h.Ask();
        h.Settle();
        Assert.Equal(1, backend.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1900));
        h.Settle();
        Assert.Equal(1, backend.Calls); // the Retry-After is honoured, not the 10 ms backoff
        Assert.False(answer.IsCompleted, "the caller waits through the retry");
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(SpinWait.SpinUntil(() => backend.Calls == 2 && h.Kernel.Reactor!.Status.RetriesPending == 1 && h.Kernel.IsQuiescent, TimeSpan.FromSeconds(20)), "the second run failed and waits again");
        time.Advance(TimeSpan.FromSeconds(2));
        var response = await answer.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("remote", response.Llm!.Content);
        Assert.Equal(3, backend.Calls);

        var stages = h.Stages("retry", s => s.Contains(ReactorStage.Verified));
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], stages);
        var id = response.SyscallId;
        Assert.True(SpinWait.SpinUntil(() => h.SyscallEvents.Count(e => e.SyscallId == id) == 7, TimeSpan.FromSeconds(20)), "every transition is on the bus");
        Assert.SequenceEqual(
            [SyscallStage.Submitted, SyscallStage.Dispatched, SyscallStage.Retrying, SyscallStage.Dispatched, SyscallStage.Retrying, SyscallStage.Dispatched, SyscallStage.Completed],
            h.SyscallEvents.Where(e => e.SyscallId == id).Select(e => e.Stage));
        Assert.Equal("rate_limited", h.SyscallEvents.First(e => e.Stage == SyscallStage.Retrying).Error);

        var status = h.Kernel.Status.Reactor!;
        var retry = status.Playbooks.Single(p => p.Name == "retry");
        Assert.Equal((2L, 2L, 1L, 0), (retry.Triggered, retry.Acted, retry.Verified, retry.Open));
        await h.Kernel.Audit.FlushAsync();
        var audited = h.Kernel.Audit.ReadAll().Where(r => r.Decision == AuditDecision.Reactor).ToList();
        Assert.Equal(5, audited.Count);
        Assert.Contains("retry verified", audited[^1].Message);
    }

    [Test]
    public async Task WithoutTheReactorTheSameFailureReachesTheCaller()
    {
        var backend = new ScriptedBackend("remote", ["m"]) { Script = call => { if (call == 1) { throw new RateLimitedException("429") { RetryAfter = TimeSpan.FromMilliseconds(1) }; } } };
        await using var h = new ReactorHarness([backend], reactor: null);
        await Assert.ThrowsAsync<RateLimitedException>(() => h.Ask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, backend.Calls);
        Assert.Null(h.Kernel.Status.Reactor);
    }

    [Test]
    public async Task ARetryThatWouldEndAfterTheDeadlineIsNotTakenAndTheCallerGetsTheTypedError()
    {
        var time = new ManualTimeProvider();
        var backend = new ScriptedBackend("remote", ["m"]) { Script = _ => throw new RateLimitedException("429") { RetryAfter = TimeSpan.FromSeconds(30) } };
        await using var h = new ReactorHarness([backend], Retry(), time);
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => h.Ask(deadline: time.GetUtcNow().AddSeconds(10)).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(1, backend.Calls);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Suppressed, ReactorStage.Unverified], h.Stages("retry", s => s.Contains(ReactorStage.Unverified)));
        Assert.Contains("deadline", h.ReactorEvents.Single(e => e.Stage == ReactorStage.Suppressed).Detail);
    }

    [Test]
    public async Task ABackendThatKeepsFailingIsRunAtMostMaxAttemptsTimes()
    {
        var backend = new ScriptedBackend("remote", ["m"]) { Script = _ => throw new BackendFailedException("500") };
        await using var h = new ReactorHarness([backend], Retry(maxAttempts: 3, baseMs: 1));
        await Assert.ThrowsAsync<BackendFailedException>(() => h.Ask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(3, backend.Calls);
        var stages = h.Stages("retry", s => s.Contains(ReactorStage.Unverified));
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Triggered, ReactorStage.Suppressed, ReactorStage.Unverified], stages);
    }

    [Test]
    public async Task TheRetryBudgetBoundsRetriesOverAllSyscalls()
    {
        var backend = new ScriptedBackend("remote", ["m"]) { Script = call => { if (call is 1 or 3) { throw new BackendFailedException("500"); } } };
        await using var h = new ReactorHarness([backend], Retry(baseMs: 1, budget: 1));
        Assert.Equal("remote", (await h.Ask().WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content); // fails, retried once, succeeds
        await Assert.ThrowsAsync<BackendFailedException>(() => h.Ask().WaitAsync(TimeSpan.FromSeconds(20))); // the budget is spent
        Assert.Equal(3, backend.Calls);
        Assert.True(SpinWait.SpinUntil(() => h.ReactorEvents.Any(e => e.Stage == ReactorStage.Suppressed), TimeSpan.FromSeconds(20)));
        Assert.Contains("retry budget", h.ReactorEvents.Single(e => e.Stage == ReactorStage.Suppressed).Detail);
    }

    [Test]
    public async Task AToolIsRetriedOnlyWhenItIsDeclaredIdempotent()
    {
        int idempotentRuns = 0, plainRuns = 0;
        await using var h = new ReactorHarness([new ScriptedBackend("remote", ["m"])], Retry(baseMs: 1), configure: options =>
        {
            using var schema = System.Text.Json.JsonDocument.Parse("{\"type\":\"object\"}");
            foreach (var (name, idempotent) in new[] { ("lookup", true), ("charge", false) })
            {
                options.Tools.Register(new AgentOS.Tools.ToolDefinition
                {
                    Name = name,
                    Description = name,
                    ParametersSchema = schema.RootElement.Clone(),
                    Idempotent = idempotent,
                    Run = (_, _, _) =>
                    {
                        int run = Interlocked.Increment(ref idempotent ? ref idempotentRuns : ref plainRuns);
                        return run == 1 ? throw new BackendFailedException($"{name}: upstream 502") : ValueTask.FromResult(new AgentOS.Tools.ToolOutput($"{name} ok"));
                    },
                });
            }
            return options;
        });
        using var none = System.Text.Json.JsonDocument.Parse("{}");
        Task<SyscallResponse> Call(string tool) => h.Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Tool = new() { Call = new(tool, none.RootElement.Clone()) } }).AsTask();

        Assert.Equal("lookup ok", (await Call("lookup").WaitAsync(TimeSpan.FromSeconds(20))).Tool!.Result.Output);
        await Assert.ThrowsAsync<BackendFailedException>(() => Call("charge").WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal((2, 1), (idempotentRuns, plainRuns));
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], h.Stages("retry", s => s.Contains(ReactorStage.Verified)));
    }
}
