using AgentOS.Access;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>Budgets on virtual time: calls and tokens per fixed window, in-flight limits, and the union rule.</summary>
public sealed class BudgetTests
{
    [Test]
    public void TheFifthCallIsAllowedAndTheSixthDeniedUntilTheWindowEnds()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(5)));
        var manager = fixture.Manager;
        fixture.Time.Advance(TimeSpan.FromSeconds(20)); // 40 s left in the first one-minute window
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(manager.Check(Tool("alice", "search")).Allowed, $"call {i}");
        }
        var sixth = manager.Check(Tool("alice", "search"));
        Assert.False(sixth.Allowed);
        Assert.Equal(DenialReason.BudgetExceeded, sixth.Reason);
        Assert.Equal(TimeSpan.FromSeconds(40), sixth.RetryAfter);
        Assert.Contains("used its 5 calls", sixth.Message);

        fixture.Time.Advance(TimeSpan.FromSeconds(39));
        Assert.Equal(TimeSpan.FromSeconds(1), manager.Check(Tool("alice", "search")).RetryAfter);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(manager.Check(Tool("alice", "search")).Allowed, $"call {i} of the second window");
        }
        Assert.Equal(DenialReason.BudgetExceeded, manager.Check(Tool("alice", "search")).Reason);
    }

    [Test]
    public void ABudgetIsWholeAgainAfterManyIdleWindows()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(1), window: TimeSpan.FromSeconds(10)));
        var manager = fixture.Manager;
        Assert.True(manager.Check(Tool("alice", "search")).Allowed);
        Assert.Equal(TimeSpan.FromSeconds(10), manager.Check(Tool("alice", "search")).RetryAfter);
        fixture.Time.Advance(TimeSpan.FromSeconds(105));
        Assert.True(manager.Check(Tool("alice", "search")).Allowed);
        Assert.Equal(TimeSpan.FromSeconds(5), manager.Check(Tool("alice", "search")).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), manager.GetUsage("alice")!.Value.WindowEndsIn);
    }

    [Test]
    public void ExtraOrLateCompletionsNeverDriveTheCountBelowZero()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitConcurrency(1)));
        var manager = fixture.Manager;
        var request = Tool("alice", "search");
        Assert.True(manager.Check(in request).Allowed);
        manager.Complete(in request, 0);
        manager.Complete(in request, 0);
        Assert.Equal(0, manager.GetUsage("alice")!.Value.InFlight);
        Assert.True(manager.Check(in request).Allowed);
        Assert.Equal(DenialReason.ConcurrencyLimit, manager.Check(in request).Reason, "the extra Complete did not free a second slot");
        manager.Unregister("alice");
        manager.Complete(in request, 0); // the agent is gone: ignored
        Assert.Throws<ArgumentOutOfRangeException>(() => manager.Complete(in request, -1));
    }

    [Test]
    public void DeniedCallsDoNotUseTheBudget()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(2)));
        for (int i = 0; i < 10; i++)
        {
            fixture.Manager.Check(Tool("alice", "search"));
        }
        Assert.Equal(2L, fixture.Manager.GetUsage("alice")!.Value.CallsUsed);
    }

    [Test]
    public void TokensAreChargedAtTheCheckAndCorrectedAtCompletion()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitTokens(1000)));
        var manager = fixture.Manager;
        var first = LlmAccess("alice", "local", tokens: 600);
        Assert.True(manager.Check(in first).Allowed);
        var second = manager.Check(LlmAccess("alice", "local", tokens: 600));
        Assert.Equal(DenialReason.BudgetExceeded, second.Reason);
        Assert.Equal(TimeSpan.FromMinutes(1), second.RetryAfter);
        Assert.Contains("not enough of its 1000 tokens", second.Message);

        manager.Complete(in first, tokensUsed: 300); // it used less than estimated: 300 go back
        Assert.Equal(300L, manager.GetUsage("alice")!.Value.TokensUsed);
        var third = LlmAccess("alice", "local", tokens: 700);
        Assert.True(manager.Check(in third).Allowed, "exactly at the limit");
        manager.Complete(in third, tokensUsed: 900); // it used more: 200 more are charged
        Assert.Equal(1200L, manager.GetUsage("alice")!.Value.TokensUsed);
        Assert.Equal(DenialReason.BudgetExceeded, manager.Check(LlmAccess("alice", "local", tokens: 0)).Reason);
        Assert.True(manager.Check(Tool("alice", "search")).Allowed, "a tool call estimating no tokens is not held back by the token budget");

        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(manager.Check(LlmAccess("alice", "local", tokens: 1000)).Allowed);
    }

    [Test]
    public void ARequestLargerThanTheWholeBudgetIsDeniedWithoutRetryAfter()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitTokens(1000)));
        var denied = fixture.Manager.Check(LlmAccess("alice", "local", tokens: 1001));
        Assert.Equal(DenialReason.BudgetExceeded, denied.Reason);
        Assert.Null(denied.RetryAfter);
        Assert.Contains("more than its whole budget", denied.Message);
    }

    [Test]
    public void ATokenDenialGivesBackTheCallItCharged()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(3).LimitTokens(100)));
        Assert.True(fixture.Manager.Check(LlmAccess("alice", "local", tokens: 100)).Allowed);
        Assert.Equal(DenialReason.BudgetExceeded, fixture.Manager.Check(LlmAccess("alice", "local", tokens: 1)).Reason);
        var usage = fixture.Manager.GetUsage("alice")!.Value;
        Assert.Equal(1L, usage.CallsUsed);
        Assert.Equal(1, usage.InFlight);
    }

    [Test]
    public void InFlightSyscallsStopAtTheConcurrencyLimitUntilOneCompletes()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitConcurrency(2)));
        var manager = fixture.Manager;
        var first = Tool("alice", "search");
        Assert.True(manager.Check(in first).Allowed);
        Assert.True(manager.Check(Tool("alice", "search")).Allowed);
        var third = manager.Check(Tool("alice", "search"));
        Assert.Equal(DenialReason.ConcurrencyLimit, third.Reason);
        Assert.Null(third.RetryAfter);
        Assert.Contains("2 syscalls in flight", third.Message);
        manager.Complete(in first, 0);
        Assert.True(manager.Check(Tool("alice", "search")).Allowed);
        Assert.Equal(2, manager.GetUsage("alice")!.Value.InFlight);
    }

    [Test]
    public void SeveralGroupsGiveTheMostGenerousBudgetFieldByField()
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("small", g => g.AllowTools("*").LimitCalls(5).LimitTokens(100).LimitConcurrency(1))
            .AddGroup("large", g => g.LimitCalls(10).LimitTokens(50))
            .AddGroup("open", g => g.UseLlm("*"))
            .AddAgent("both", "small", "large")
            .AddAgent("unbounded", "small", "open")
            .Build();
        using var fixture = new AccessFixture(policy);
        var both = fixture.Manager.GetUsage("both")!.Value;
        Assert.Equal(10L, both.CallsLimit);
        Assert.Equal(100L, both.TokensLimit);
        Assert.Null(both.MaxConcurrent, "'large' sets no concurrency limit, so its members have none");
        var unbounded = fixture.Manager.GetUsage("unbounded")!.Value;
        Assert.Null(unbounded.CallsLimit);
        Assert.Null(unbounded.TokensLimit);
        Assert.Null(unbounded.MaxConcurrent);
    }

    [Test]
    public void ConcurrentChecksNeverExceedTheCallsBudget()
    {
        int threads = 8, perThread = TestEnvironment.Scale(1000, 20_000);
        int budget = threads * perThread * 5 / 8;
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(budget)));
        var manager = fixture.Manager;
        int allowed = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var request = Tool("alice", "search");
            int mine = 0;
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                if (manager.Check(in request).Allowed)
                {
                    mine++;
                    manager.Complete(in request, 0);
                }
            }
            Interlocked.Add(ref allowed, mine);
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Assert.Equal(budget, allowed);
        var usage = manager.GetUsage("alice")!.Value;
        Assert.Equal((long)budget, usage.CallsUsed);
        Assert.Equal(0, usage.InFlight);
    }

    [Test]
    public void ConcurrentChecksNeverExceedTheConcurrencyLimit()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitConcurrency(3)));
        var manager = fixture.Manager;
        int inside = 0, most = 0, allowed = 0;
        var workers = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            var request = Tool("alice", "search");
            for (int i = 0; i < TestEnvironment.Scale(2000, 50_000); i++)
            {
                if (manager.Check(in request).Allowed)
                {
                    int now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref most, now);
                    Interlocked.Increment(ref allowed);
                    Interlocked.Decrement(ref inside);
                    manager.Complete(in request, 0);
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Assert.InRange(most, 1, 3);
        Assert.True(allowed > 0);
        Assert.Equal(0, manager.GetUsage("alice")!.Value.InFlight);
    }

    [Test]
    public void TheAllowedCheckAllocatesNothing()
    {
        Skip.UnlessOptimized();
        // The audit's flush timer runs on the system clock here: the manual clock queues a timer entry per re-arm
        // until it is advanced, which would be the test's allocation, not the manager's.
        using var fixture = new AccessFixture(
            Limited(g => g.LimitCalls(int.MaxValue).LimitTokens(int.MaxValue).LimitConcurrency(1000).ReadStorage("shared/")),
            auditOptions: new AuditLogOptions { TimeProvider = TimeProvider.System });
        var manager = fixture.Manager;
        var requests = new[]
        {
            Tool("alice", "search"),
            LlmAccess("alice", "local", tokens: 20),
            StorageAccess("alice", AccessOperation.Write, "agents/alice/notes/today.md"),
            StorageAccess("alice", AccessOperation.Read, "shared/reports/q3.md"),
            MemoryAccess("alice", AccessOperation.Read, null),
        };
        void Round()
        {
            foreach (var request in requests)
            {
                if (!manager.Check(in request).Allowed)
                {
                    throw new InvalidOperationException($"{request} was denied");
                }
                manager.Complete(in request, 10);
            }
        }
        for (int i = 0; i < 20_000; i++)
        {
            Round();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            Round();
        }
        Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before, "bytes allocated by 100,000 allowed checks and completions");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
