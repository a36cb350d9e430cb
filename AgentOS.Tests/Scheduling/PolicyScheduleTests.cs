using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Scheduling.OneSlotSimulation;

namespace AgentOS.Tests.Scheduling;

/// <summary>
/// Each policy against a schedule worked out by hand (in the comments), not against the policy's own key.
/// One execution slot; times are virtual seconds.
/// </summary>
public sealed class PolicyScheduleTests
{
    [Test]
    public void FifoRunsInArrivalOrderWhateverThePriorityOrCost()
    {
        using var policy = new FifoPolicy<Job>();
        var a = new Job("a", 5) { Ticket = { Priority = 0, EstimatedCost = 5 } };
        var b = new Job("b", 1) { Ticket = { Priority = 9, EstimatedCost = 1 } };
        var c = new Job("c", 2) { Ticket = { Priority = 3, EstimatedCost = 2 } };
        var slices = Simulate(policy, (b, 1), (a, 0), (c, 1));
        // a at 0 runs 0-5; b and c arrived at 1, b first (it arrived first in the list at that instant).
        Assert.SequenceEqual([new Run("a", 0, 5), new Run("b", 5, 6), new Run("c", 6, 8)], slices);
    }

    [Test]
    public void PriorityOrdersByLevelCorrectedForWaiting()
    {
        // Aging 1 s per level. Effective order key = arrival - priority x 1 s:
        // L (p0, t0) -> 0; H1 (p2, t1) -> -1; H2 (p2, t3) -> +1; M (p1, t0.5) -> -0.5. All wait while X runs 0-4.
        using var policy = new PriorityPolicy<Job>(TimeSpan.FromSeconds(1));
        var x = new Job("X", 4);
        var l = new Job("L") { Ticket = { Priority = 0 } };
        var h1 = new Job("H1") { Ticket = { Priority = 2 } };
        var h2 = new Job("H2") { Ticket = { Priority = 2 } };
        var m = new Job("M") { Ticket = { Priority = 1 } };
        var slices = Simulate(policy, (x, 0), (l, 0), (m, 0.5), (h1, 1), (h2, 3));
        Assert.SequenceEqual(["X", "H1", "M", "L", "H2"], StartOrder(slices));
    }

    [Test]
    public void AgingLiftsAStarvedItemAfterExactlyTheComputedWait()
    {
        // A priority-3 job arrives every second from t=0, each needing 1 s, so without aging the priority-0 job L
        // (arrived at t=0) would never run. With 2 s of aging per level, L is worth as much as a priority-3 job that
        // arrives 3 x 2 s = 6 s after it; ties go to the earlier arrival, so L starts at exactly t = 6.
        using var policy = new PriorityPolicy<Job>(TimeSpan.FromSeconds(2));
        var arrivals = new List<(Job, double)> { (new Job("L") { Ticket = { Priority = 0 } }, 0) };
        for (int k = 0; k < 12; k++)
        {
            arrivals.Add((new Job("H" + k) { Ticket = { Priority = 3 } }, k));
        }
        var slices = Simulate(policy, [.. arrivals]);
        var low = slices.Single(s => s.Name == "L");
        Assert.Equal(6.0, low.Start);
        Assert.SequenceEqual(["H0", "H1", "H2", "H3", "H4", "H5", "L", "H6"], StartOrder(slices).Take(8));
    }

    [Test]
    public void SjfRunsTheShortestWaitingJobWithArrivalOrderOnTies()
    {
        // a (4) runs 0-4 alone; at t=4 b (3), c (1), d (2) and e (1) wait: c and e tie at 1 -> c (earlier), e, d, b.
        using var policy = new ShortestJobFirstPolicy<Job>();
        Job J(string name, double cost) => new(name, cost) { Ticket = { EstimatedCost = cost } };
        var slices = Simulate(policy, (J("a", 4), 0), (J("b", 3), 1), (J("c", 1), 2), (J("d", 2), 3), (J("e", 1), 3.5));
        Assert.SequenceEqual(
            [new Run("a", 0, 4), new Run("c", 4, 5), new Run("e", 5, 6), new Run("d", 6, 8), new Run("b", 8, 11)],
            slices);
    }

    [Test]
    public void SjfUsesThePluggableEstimator()
    {
        // The estimator says the opposite of the hints: longest name first... by estimating 10 - length.
        using var policy = new ShortestJobFirstPolicy<Job>(new NameLengthEstimator());
        policy.Arrive(new Job("x") { Ticket = { EstimatedCost = 1 } });
        policy.Arrive(new Job("xxx") { Ticket = { EstimatedCost = 3 } });
        policy.Arrive(new Job("xx") { Ticket = { EstimatedCost = 2 } });
        Assert.SequenceEqual(["xxx", "xx", "x"], policy.DequeueAll());
    }

    private sealed class NameLengthEstimator : AgentOS.Scheduling.ICostEstimator<Job>
    {
        public double Estimate(Job item) => 10 - item.Name.Length;
    }

    [Test]
    public void EdfMeetsEveryDeadlineOfAFeasibleSet()
    {
        // All at t=0: b (1 s, due 3) 0-1, c (3 s, due 7) 1-4, a (2 s, due 10) 4-6: every deadline met.
        using var policy = new EarliestDeadlineFirstPolicy<Job>();
        var a = new Job("a", 2) { Ticket = { Deadline = PolicyFeed.At(10) } };
        var b = new Job("b", 1) { Ticket = { Deadline = PolicyFeed.At(3) } };
        var c = new Job("c", 3) { Ticket = { Deadline = PolicyFeed.At(7) } };
        var finishes = Finishes(Simulate(policy, (a, 0), (b, 0), (c, 0)));
        Assert.Equal(1.0, finishes["b"]);
        Assert.Equal(4.0, finishes["c"]);
        Assert.Equal(6.0, finishes["a"]);
    }

    [Test]
    public void EdfOrderOnAnInfeasibleSetMissesExactlyTheExpectedJobs()
    {
        // b (2, due 3) 0-2 met; a (3, due 4) 2-5 missed by 1; d (1, due 5) 5-6 missed by 1; c (2, due 9) 6-8 met;
        // n (no deadline) last, 8-9.
        using var policy = new EarliestDeadlineFirstPolicy<Job>();
        var jobs = new[]
        {
            new Job("a", 3) { Ticket = { Deadline = PolicyFeed.At(4) } },
            new Job("n", 1),
            new Job("b", 2) { Ticket = { Deadline = PolicyFeed.At(3) } },
            new Job("c", 2) { Ticket = { Deadline = PolicyFeed.At(9) } },
            new Job("d", 1) { Ticket = { Deadline = PolicyFeed.At(5) } },
        };
        var finishes = Finishes(Simulate(policy, [.. jobs.Select(j => (j, 0.0))]));
        var missed = jobs.Where(j => j.Ticket.Deadline is { } d && finishes[j.Name] > (d - DateTimeOffset.UnixEpoch).TotalSeconds)
                         .Select(j => j.Name).Order().ToList();
        Assert.SequenceEqual(["a", "d"], missed);
        Assert.Equal(9.0, finishes["n"]);
    }

    [Test]
    public void LasDemotesByAttainedServiceAndAShortArrivalPreempts()
    {
        // Base quantum 1: level limits 1, 2, 4, 8. A (7 s) runs 0-1 (level 0), yields, 1-2 (level 1), yields at 2 as
        // B (1 s) arrives at level 0 and runs 2-3; A resumes at level 2 for 3-5, then level 3 for 5-8.
        using var policy = new LeastAttainedServicePolicy<Job>(1, levels: 4);
        var slices = Simulate(policy, (new Job("A", 7), 0), (new Job("B", 1), 2));
        Assert.SequenceEqual(
            [new Run("A", 0, 1), new Run("A", 1, 2), new Run("B", 2, 3), new Run("A", 3, 5), new Run("A", 5, 8)],
            slices);
    }

    [Test]
    public void LasPreemptsARunningJobWhenAFreshOneArrives()
    {
        // Limits 1, 2, 4, inf. A (10 s) runs 0-1 (level 0), 1-2 (level 1), then at level 2 from t=2 with budget 2;
        // C arrives at 3.5 at level 0 and preempts A (attained 3.5). C runs 3.5-4; A finishes level 2 in 4-4.5
        // (attained 4), then level 3 runs the remaining 6 s: 4.5-10.5.
        using var policy = new LeastAttainedServicePolicy<Job>(1, levels: 4);
        var slices = Simulate(policy, (new Job("A", 10), 0), (new Job("C", 0.5), 3.5));
        Assert.SequenceEqual(
            [new Run("A", 0, 1), new Run("A", 1, 2), new Run("A", 2, 3.5), new Run("C", 3.5, 4), new Run("A", 4, 4.5), new Run("A", 4.5, 10.5)],
            slices);
    }

    [Test]
    public void LasSkipJoinPlacesALongFirstStepAtTheLevelThatCoversIt()
    {
        // Limits 1, 2, 4, 8, inf. A first step of 5 fits level 3 (limit 8); 0.5 fits level 0.
        using var policy = new LeastAttainedServicePolicy<Job>(1, levels: 5, firstStepCost: j => j.Ticket.EstimatedCost);
        var longPrefill = policy.Arrive(new Job("long") { Ticket = { EstimatedCost = 5 } });
        var shortPrefill = policy.Arrive(new Job("short") { Ticket = { EstimatedCost = 0.5 } });
        Assert.Equal(8.0, policy.ServiceBudget(longPrefill));
        Assert.Equal(1.0, policy.ServiceBudget(shortPrefill));
        Assert.SequenceEqual(["short", "long"], policy.DequeueAll());
        Assert.Equal(3, policy.LevelFor(5));
        Assert.Equal(4, policy.LevelFor(1e9));
        Assert.Equal(double.PositiveInfinity, policy.LevelLimit(4));
    }

    [Test]
    public void WeightedFairAlternatesFlowsInProportionToWeight()
    {
        // Flow 1 (weight 1) queues 4 jobs, then flow 2 (weight 2) queues 4, all cost 1, all at t=0.
        // Start tags: flow 1 -> 0, 1, 2, 3; flow 2 -> 0, 0.5, 1, 1.5. Smallest tag first, ties by arrival:
        // f1a(0) f2a(0) f2b(0.5) f1b(1) f2c(1) f2d(1.5) f1c(2) f1d(3).
        using var policy = new WeightedFairPolicy<Job>();
        foreach (var name in new[] { "f1a", "f1b", "f1c", "f1d" })
        {
            policy.Arrive(new Job(name) { Ticket = { FlowId = 1, Weight = 1 } });
        }
        foreach (var name in new[] { "f2a", "f2b", "f2c", "f2d" })
        {
            policy.Arrive(new Job(name) { Ticket = { FlowId = 2, Weight = 2 } });
        }
        Assert.SequenceEqual(["f1a", "f2a", "f2b", "f1b", "f2c", "f2d", "f1c", "f1d"], policy.DequeueAll());
    }

    [Test]
    public void WeightedFairLetsALateFlowInWithoutWaitingForTheBacklog()
    {
        // Flow 1 queues 100 jobs at t=0 (start tags 0, 1, 2, ...) and the first two (tags 0 and 1) have run, so
        // virtual time is 1. Flow 2's job gets start tag max(V=1, 0) = 1, below the backlog's next tag 2: it runs next.
        using var policy = new WeightedFairPolicy<Job>();
        for (int i = 0; i < 100; i++)
        {
            policy.Arrive(new Job("f1-" + i) { Ticket = { FlowId = 1 } });
        }
        Assert.True(policy.TryDequeue(0, out var first));
        Assert.True(policy.TryDequeue(0, out var second));
        Assert.Equal("f1-1", second.Name);
        policy.Arrive(new Job("f2") { Ticket = { FlowId = 2 } });
        Assert.SequenceEqual(["f2", "f1-2", "f1-3"], policy.DequeueAll().Take(3));
        _ = first;
    }
}
