using AgentOS.Reactor;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Llm;

namespace AgentOS.Tests.Reactor;

/// <summary>The circuit breaker and failover through the kernel: failures on one backend open its breaker (it is
/// marked down), syscalls move to another backend serving the model, a half-open probe closes it; a probe that never
/// succeeds is undone and escalated.</summary>
public sealed class CircuitBreakerAndFailoverTests
{
    private static ReactorOptions Options(double openSeconds = 0.05, double verifySeconds = 60) => new()
    {
        Retry = new() { MaxAttempts = 10, BaseDelayMs = 5, MaxDelayMs = 20, Seed = 3 },
        CircuitBreaker = new() { Failures = 3, WindowSeconds = 60, OpenSeconds = openSeconds, VerifySeconds = verifySeconds },
    };

    [Test]
    public async Task FailuresOpenTheBreakerTheSyscallFailsOverAndAProbeClosesIt()
    {
        bool healthy = false;
        var bad = new ScriptedBackend("bad", ["m"]) { Script = _ => { if (!Volatile.Read(ref healthy)) { throw new BackendFailedException("500"); } } };
        var good = new ScriptedBackend("good", ["m"]);
        await using var h = new ReactorHarness([bad, good], Options(openSeconds: 0.2));

        // Each call fails on 'bad' once and moves to 'good' at once (another backend serves the model); the third
        // failure within the window opens bad's breaker.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("good", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        }
        Assert.Equal(3, bad.Calls);
        Assert.Contains(ReactorStage.Acted, h.Stages("failover", s => s.Contains(ReactorStage.Verified)));
        Assert.Contains(ReactorStage.Verified, h.Stages("failover", s => s.Contains(ReactorStage.Verified)));
        // The third failure's event opens the breaker (the bus delivers it after that call returned).
        Assert.Contains(ReactorStage.Acted, h.Stages("circuit_breaker", s => s.Contains(ReactorStage.Acted)));

        Volatile.Write(ref healthy, true);
        var stages = h.Stages("circuit_breaker", s => s.Contains(ReactorStage.Verified));
        Assert.Equal(ReactorStage.Triggered, stages[0]);
        Assert.Equal(ReactorStage.Acted, stages[1]);
        Assert.Equal(ReactorStage.Verified, stages[^1]);
        Assert.False(h.Kernel.Llm.IsDown("bad"), "closed: marked up again");
        Assert.Equal("bad", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        var breaker = h.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "circuit_breaker");
        Assert.Equal((1L, 1L, 1L, 0), (breaker.Triggered, breaker.Acted, breaker.Verified, breaker.Open));
    }

    [Test]
    public async Task ASyscallQueuedForABackendMarkedDownMovesToAnotherInsteadOfFailing()
    {
        var primary = new ModelBackend("primary", ["m"]) { Release = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var secondary = new ModelBackend("secondary", ["m"]);
        await using var h = new ReactorHarness([primary, secondary], new ReactorOptions());
        var running = h.Ask("m");
        var queued = h.Ask("m");
        h.Settle();
        h.Kernel.Llm.MarkDown("primary", "an operator took it out");
        primary.Release.SetResult();
        Assert.Equal("primary", (await running.WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.Equal("secondary", (await queued.WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.Equal(1, primary.Calls);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], h.Stages("failover", s => s.Contains(ReactorStage.Verified)));
        Assert.Contains("moved from 'primary' to 'secondary'", h.ReactorEvents.Single(e => e.Stage == ReactorStage.Acted).Detail);
    }

    [Test]
    public async Task WithOnlyOneBackendTheBreakerDoesNotOpenAndRetriesCarryOn()
    {
        var only = new ScriptedBackend("only", ["m"]) { Script = call => { if (call <= 4) { throw new BackendFailedException("500"); } } };
        await using var h = new ReactorHarness([only], Options());
        Assert.Equal("only", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Suppressed], h.Stages("circuit_breaker", s => s.Contains(ReactorStage.Suppressed)));
        Assert.False(h.Kernel.Llm.IsDown("only"));
    }

    [Test]
    public async Task ABreakerWhoseProbesNeverSucceedIsUndoneAndEscalatedToTheApprover()
    {
        var bad = new ScriptedBackend("bad", ["m"]) { Script = _ => throw new BackendFailedException("500") };
        var good = new ScriptedBackend("good", ["m"]);
        var approver = new AgentOS.Access.ManualApprover();
        await using var h = new ReactorHarness([bad, good], Options(openSeconds: 0.05, verifySeconds: 0.3), configure: o => o with { Approver = approver });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("good", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content); // each failed once on 'bad'
        }
        var stages = h.Stages("circuit_breaker", s => s.Contains(ReactorStage.Escalated));
        Assert.Equal(ReactorStage.Acted, stages[1]);
        Assert.SequenceEqual([ReactorStage.Unverified, ReactorStage.Undone, ReactorStage.Escalated], stages.Skip(stages.Count - 3));
        Assert.False(h.Kernel.Llm.IsDown("bad"), "undone: marked up again");

        // The approver sees the case and approves keeping the backend down.
        Assert.True(SpinWait.SpinUntil(() => approver.Pending.Count == 1, TimeSpan.FromSeconds(20)), "the escalation reached the approver");
        var pending = approver.Pending[0];
        Assert.Contains("circuit_breaker playbook escalates", pending.Describe());
        Assert.True(pending.Id < 0, "escalations carry negative ids");
        approver.Approve(pending.Id, "ops");
        Assert.Contains(ReactorStage.Answered, h.Stages("circuit_breaker", s => s.Contains(ReactorStage.Answered)));
        Assert.True(SpinWait.SpinUntil(() => h.Kernel.Llm.IsDown("bad"), TimeSpan.FromSeconds(20)), "approved: marked down until an operator marks it up");
    }

    [Test]
    public async Task ScatteredFailuresBelowTheFailureRatioDoNotOpenTheBreaker()
    {
        // One call in three fails: more than 'failures' (3) within the window, but a third of the runs, under the
        // ratio (a half); failover moves each failed call to the other backend and this one stays in service.
        var flaky = new ScriptedBackend("flaky", ["m"]) { Script = call => { if (call % 3 == 0) { throw new BackendFailedException("500"); } } };
        var other = new ScriptedBackend("other", ["m"]);
        await using var h = new ReactorHarness([flaky, other], Options());
        for (int i = 0; i < 30; i++)
        {
            await h.Ask("flaky").WaitAsync(TimeSpan.FromSeconds(20));
        }
        Assert.Equal((30, 10), (flaky.Calls, other.Calls)); // every third call failed on 'flaky' and moved
        Assert.False(h.Kernel.Llm.IsDown("flaky"), "still in service");
        Assert.Equal(0L, h.Kernel.Status.Reactor!.Playbooks.Single(p => p.Name == "circuit_breaker").Triggered);
    }
}
