using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Scheduling;

public sealed class OnlineCostEstimatorTests
{
    // A job's name is "agent/site".
    private static OnlineCostEstimator<Job> Create(bool fallBack = true) =>
        new(static j => (j.Name.Split('/')[0], j.Name.Split('/')[1]), fallBack);

    [Test]
    public void Learns_per_call_site_and_gains_skill()
    {
        var estimator = Create();
        var random = new Random(7);
        (string Site, double Median)[] sites = [("classify", 12), ("plan", 60), ("write", 400)];
        for (int i = 0; i < 300; i++)
        {
            var (site, median) = sites[random.Next(sites.Length)];
            estimator.Observe("agent" + (i % 5), site, Math.Round(LlmTrace.LogNormal(random, Math.Log(median), 0.7)));
        }
        Assert.True(estimator.HasSkill, $"skill {estimator.Skill}");
        Assert.True(estimator.Skill > 0.5, $"skill {estimator.Skill}");
        double classify = estimator.Estimate(new Job("agent1/classify")), plan = estimator.Estimate(new Job("agent1/plan")), write = estimator.Estimate(new Job("agent1/write"));
        Assert.True(classify < plan && plan < write, $"{classify} {plan} {write}");
        Assert.InRange(write, 250.0, 650.0);
        // A new agent running known code starts from the call site's estimate across agents.
        Assert.InRange(estimator.Estimate(new Job("newcomer/write")), 250.0, 650.0);
    }

    [Test]
    public void Sjf_on_a_skilled_estimator_runs_short_call_sites_first()
    {
        var estimator = Create();
        // Skill is scored on one item in four, and claimed from 32 scored pairs on.
        for (int i = 0; i < 128; i++)
        {
            estimator.Observe("a", "short", 10 + i % 5);
            estimator.Observe("a", "long", 300 + i % 7);
        }
        Assert.True(estimator.HasSkill);
        using var policy = new ShortestJobFirstPolicy<Job>(estimator);
        policy.Arrive(new Job("a/long"));
        policy.Arrive(new Job("a/short"));
        Assert.SequenceEqual(["a/short", "a/long"], policy.DequeueAll());
    }

    [Test]
    public void Without_skill_every_item_gets_the_same_estimate_so_sjf_keeps_fifo_order()
    {
        // A raw trace: lengths unrelated to the (agent, call site) keys.
        var estimator = Create();
        var noSkillOrder = Create(fallBack: false);
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++)
        {
            string agent = "agent" + random.Next(20), site = "site" + random.Next(3);
            double length = Math.Round(LlmTrace.LogNormal(random, Math.Log(150), 0.8));
            estimator.Observe(agent, site, length);
            noSkillOrder.Observe(agent, site, length);
            Assert.False(estimator.HasSkill, $"claimed skill {estimator.Skill} on noise after {i + 1} samples");
        }
        Assert.InRange(estimator.Skill, -0.15, 0.15);

        string[] names = ["agent3/site0", "agent7/site2", "agent1/site1", "agent9/site0", "agent4/site2"];
        Assert.Equal(1, names.Select(n => estimator.Estimate(new Job(n))).Distinct().Count());
        using var policy = new ShortestJobFirstPolicy<Job>(estimator);
        foreach (var name in names)
        {
            policy.Arrive(new Job(name));
        }
        Assert.SequenceEqual(names, policy.DequeueAll());
        // Without the fallback the same learning would sort on noise: estimates differ between keys.
        Assert.True(names.Select(n => noSkillOrder.Estimate(new Job(n))).Distinct().Count() > 1);
    }

    [Test]
    public void Rejects_negative_or_infinite_costs()
    {
        var estimator = Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Observe("a", "s", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Observe("a", "s", double.PositiveInfinity));
        Assert.Equal(0L, estimator.Observations);
    }

    [Test]
    public void Rank_concordance_matches_a_brute_force_count_over_the_window()
    {
        // Windows that are and are not multiples of the vector width, and one wrapping many times (the vector path
        // covers each contiguous run of the circular buffer, the scalar loop the rest).
        foreach (int size in new[] { 16, 13, 3, 64, 128 })
        {
            var random = new Random(3);
            var concordance = new RankConcordance(size);
            var pairs = new List<(double E, double A)>();
            for (int i = 0; i < 200; i++)
            {
                // Ties on purpose (small integers): tied pairs count on neither side.
                var pair = ((double)random.Next(6), (double)random.Next(6));
                concordance.Add(pair.Item1, pair.Item2);
                pairs.Add(pair);
                var window = pairs.TakeLast(size).ToList();
                long c = 0, d = 0;
                for (int x = 0; x < window.Count; x++)
                {
                    for (int y = x + 1; y < window.Count; y++)
                    {
                        double p = (window[x].E - window[y].E) * (window[x].A - window[y].A);
                        c += p > 0 ? 1 : 0;
                        d += p < 0 ? 1 : 0;
                    }
                }
                Assert.Near(c + d == 0 ? 0 : (c - d) / (double)(c + d), concordance.Tau, 1e-12, $"window {size}, after {i + 1} pairs");
            }
            Assert.Equal(size, concordance.Count);
        }
    }
}
