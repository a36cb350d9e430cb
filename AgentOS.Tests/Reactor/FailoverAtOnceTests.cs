using AgentOS.Reactor;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Llm;

namespace AgentOS.Tests.Reactor;

/// <summary>
/// Failover without waiting, through the kernel, on two backends serving one model: a call that failed transiently
/// (here a 429 with a long Retry-After) moves at once to the other backend instead of waiting out the failed one's
/// hold; while the hold lasts, new calls are routed around it; and a run with no answer after
/// <c>move_after_ms</c> is given up and moved. Without the Reactor the kernel keeps its own Retry-After hold and routing.
/// </summary>
public sealed class FailoverAtOnceTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    private static ScriptedBackend RateLimitedOnce(string name) =>
        new(name, ["m"]) { Script = call => { if (call == 1) { throw new RateLimitedException("429") { RetryAfter = Hold }; } } };

    [Test]
    public async Task A429dCallMovesAtOnceAndNewCallsAreRoutedAroundTheHold()
    {
        var a = RateLimitedOnce("a");
        var b = new ScriptedBackend("b", ["m"]);
        await using var h = new ReactorHarness([a, b], new ReactorOptions());
        Assert.Equal("b", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], h.Stages("failover", s => s.Contains(ReactorStage.Verified)));
        Assert.Contains("moved from 'a' to 'b' at once", h.ReactorEvents.Single(e => e is { Playbook: "failover", Stage: ReactorStage.Acted }).Detail);
        Assert.False(h.ReactorEvents.Any(e => e.Playbook == "retry"), "nothing waited out the 5-minute Retry-After");

        // 'a' is held for five minutes: new calls go to 'b' without touching it.
        Assert.Equal("b", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.Equal("b", h.Kernel.Llm.Route(new LlmQuery { Messages = [ChatMessage.User("x")], Backend = "m" }, "alice").Name);
        Assert.Equal(1, a.Calls);
        Assert.Equal(2, b.Calls);
    }

    [Test]
    public async Task WithoutTheReactorThe429ReachesTheCallerAndTheHeldBackendKeepsItsRouting()
    {
        var a = RateLimitedOnce("a");
        var b = new ScriptedBackend("b", ["m"]);
        await using var h = new ReactorHarness([a, b], null);
        var refused = await Assert.ThrowsAsync<RateLimitedException>(() => h.Ask("m"));
        Assert.Equal(Hold, refused.RetryAfter);
        Assert.NotNull(h.Kernel.Llm.Limiter("a").HeldUntil);
        Assert.Equal("a", h.Kernel.Llm.Route(new LlmQuery { Messages = [ChatMessage.User("x")], Backend = "m" }, "alice").Name);
        Assert.Equal(0, b.Calls);
    }

    [Test]
    public async Task WhenEveryBackendIsHeldTheCallWaitsOnTheFirstAsWithoutTheReactor()
    {
        var a = RateLimitedOnce("a");
        var b = RateLimitedOnce("b");
        await using var h = new ReactorHarness([a, b], new ReactorOptions { Retry = new() { MaxAttempts = 2 } });
        // a's 429 moves it to b, whose 429 holds b too; two runs is all it may have.
        await Assert.ThrowsAsync<RateLimitedException>(() => h.Ask("m"));
        Assert.Equal("a", h.Kernel.Llm.Route(new LlmQuery { Messages = [ChatMessage.User("x")], Backend = "m" }, "alice").Name);
        Assert.Equal((1, 1), (a.Calls, b.Calls));
    }

    [Test]
    public async Task ARunWithNoAnswerAfterMoveAfterMsIsGivenUpAndMoved()
    {
        var stuck = new ModelBackend("stuck", ["m"]) { Release = new(TaskCreationOptions.RunContinuationsAsynchronously) }; // never answers
        var fast = new ModelBackend("fast", ["m"]);
        await using var h = new ReactorHarness([stuck, fast], new ReactorOptions { Failover = new() { MoveAfterMs = 50 } });
        Assert.Equal("fast", (await h.Ask("m").WaitAsync(TimeSpan.FromSeconds(20))).Llm!.Content);
        Assert.Equal(1, stuck.Calls);
        Assert.SequenceEqual([ReactorStage.Triggered, ReactorStage.Acted, ReactorStage.Verified], h.Stages("failover", s => s.Contains(ReactorStage.Verified)));
        Assert.Contains("gave no answer within 50 ms", h.ReactorEvents.First(e => e is { Playbook: "failover", Stage: ReactorStage.Triggered }).Detail);
    }
}
