using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Scheduling.OneSlotSimulation;

namespace AgentOS.Tests.Scheduling;

/// <summary>The Gittins index worked out by hand, the Gittins policy's schedule, and SJF with aging.</summary>
public sealed class GittinsPolicyTests
{
    [Test]
    public void GittinsIndexIsTheBestRateOfBuyingCompletionWorkedByHand()
    {
        var d = new ServiceDistribution([10, 1]);
        // At 0: Δ=1 finishes half for E[min(S,1)] = 1 -> 0.5; Δ=10 finishes all for E[S] = 5.5 -> 0.18. Best: 0.5 at Δ=1.
        Assert.Equal((0.5, 1.0), d.Gittins(0));
        // Past 1 only the 10 is left: 9 more finishes it for 9 -> 1/9.
        Assert.Equal((1 / 9.0, 9.0), d.Gittins(1));
        // Outlived every sample: as much left as it has had (the heavy-tail guess).
        Assert.Equal((0.1, 10.0), d.Gittins(10));
        // A fixed first-step cost (prefill) is added to every horizon's expected cost: Δ=1 -> 0.5 / 2 = 0.25.
        Assert.Equal((0.25, 1.0), d.Gittins(0, fixedCost: 1));
        Assert.Equal((0.0, double.PositiveInfinity), ServiceDistribution.Empty.Gittins(0));
    }

    [Test]
    public void GittinsPreemptsAJobThatOutlivedTheShortModeAndAnArrivalBeatsItMidHorizon()
    {
        // Lengths: three in four take 1, one takes 10. Fresh jobs: index 0.75 for Δ=1 (size 1.33). Past 1: 1/9 (size 9),
        // past 3: 1/7 (size 7). A (10) runs its horizon 0-1 and falls behind B and C (arrived at 1); it resumes at 3
        // for 9 more, D arrives at 5 and preempts it (1.33 < 7), and A finishes 6-13.
        var lengths = new ServiceDistribution([1, 1, 1, 10]);
        using var policy = new GittinsPolicy<Job>(_ => lengths);
        var slices = Simulate(policy, (new Job("A", 10), 0), (new Job("B", 1), 1), (new Job("C", 1), 1), (new Job("D", 1), 5));
        Assert.SequenceEqual(
            [new Run("A", 0, 1), new Run("B", 1, 2), new Run("C", 2, 3), new Run("A", 3, 5), new Run("D", 5, 6), new Run("A", 6, 13)],
            slices);
    }

    [Test]
    public void GittinsWithoutLearnedLengthsRunsInArrivalOrder()
    {
        using var policy = new GittinsPolicy<Job>(_ => ServiceDistribution.Empty);
        var slices = Simulate(policy, (new Job("a", 5), 0), (new Job("b", 1), 1), (new Job("c", 2), 2));
        Assert.SequenceEqual([new Run("a", 0, 5), new Run("b", 5, 6), new Run("c", 6, 8)], slices);
    }

    [Test]
    public void SjfWithAgingRunsALongJobOnceItsWaitIsWorthItsLength()
    {
        // A short job (2) arrives every 2 s from t=0 with a long one (10) at 0. Key = estimate + rate x arrival; at 1
        // token/s the short job arriving at 8 keys 2 + 8 = 10, tying the long one, which arrived first: L runs 8-18.
        using var aging = new ShortestJobFirstPolicy<Job>(agingRate: 1);
        using var plain = new ShortestJobFirstPolicy<Job>();
        Job J(string name, double cost) => new(name, cost) { Ticket = { EstimatedCost = cost } };
        (Job, double)[] Work() => [(J("S0", 2), 0), (J("L", 10), 0), .. Enumerable.Range(1, 6).Select(k => (J("S" + k, 2), 2.0 * k))];
        var aged = Simulate(aging, Work());
        Assert.SequenceEqual(["S0", "S1", "S2", "S3", "L", "S4", "S5", "S6"], StartOrder(aged));
        Assert.Equal(new Run("L", 8, 18), aged.Single(r => r.Name == "L"));
        Assert.Equal("L", StartOrder(Simulate(plain, Work()))[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ShortestJobFirstPolicy<Job>(agingRate: -1));
    }

    [Test]
    public void LengthDistributionsBackOffFromPairToSiteToEverything()
    {
        var lengths = new LengthDistributions<Job>(_ => ("a", "s"), samplesPerKey: 8, minSamples: 2);
        Assert.Equal(0, lengths.For("a", "s").Count);
        lengths.Observe("b", "s", 5);
        lengths.Observe("b", "s", 7);
        Assert.Equal(6.0, lengths.For("a", "s").Mean); // the site's, across agents
        lengths.Observe("a", "t", 100);
        Assert.Equal(6.0, lengths.For("a", "s").Mean);
        lengths.Observe("a", "s", 1);
        lengths.Observe("a", "s", 3);
        Assert.Equal(2.0, lengths.For("a", "s").Mean); // its own pair now
        Assert.Equal((100 + 5 + 7 + 1 + 3) / 5.0, lengths.For("z", "unknown").Mean); // everything's
        for (int i = 0; i < 8; i++)
        {
            lengths.Observe("a", "s", 50);
        }
        Assert.Equal(50.0, lengths.For("a", "s").Mean); // only the most recent 8 are kept
        Assert.Throws<ArgumentOutOfRangeException>(() => lengths.Observe("a", "s", -1));
    }
}
