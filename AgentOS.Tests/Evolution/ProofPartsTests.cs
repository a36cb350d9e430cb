using AgentOS.Evolution;
using AgentOS.Llm;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Evolution;

/// <summary>The pieces a proof is made of: the paired bootstrap, the settings values it moves, and what it learns.</summary>
public sealed class ProofPartsTests
{
    [Test]
    public void PairedBootstrapBoundIsAboveZeroOnlyForAGainThatHoldsAcrossRequests()
    {
        // Every request gains 0.5: every resample's mean is 0.5.
        Assert.Equal((0.5, 0.5), PairedBootstrap.LowerBound(Enumerable.Repeat(0.5, 300).ToArray(), 200));
        // One request gains a lot, the rest lose a little: a positive mean whose bound is below zero.
        var lucky = Enumerable.Repeat(-0.01, 299).Append(10.0).ToArray();
        var (mean, lower) = PairedBootstrap.LowerBound(lucky, 200);
        Assert.True(mean > 0, $"mean {mean}");
        Assert.True(lower < 0, $"bound {lower}");
        // Deterministic: the same inputs give the same bound.
        Assert.Equal(lower, PairedBootstrap.LowerBound(lucky, 200).LowerBound);
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.LowerBound([], 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.LowerBound([1.0], 200, confidence: 1));
    }

    [Test]
    public void TheLoopRefusesFewerThan200Resamples()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EvolutionLoop(new RecordingTarget(new()), new EvolutionOptions { Resamples = 199 }));
        Assert.Throws<ArgumentException>(() => _ = new EvolutionLoop(new RecordingTarget(new()), new EvolutionOptions { Pins = new Dictionary<string, string> { ["policy"] = "lifo" } }));
    }

    [Test]
    public void SettingsParametersRoundTripAsTextAndRefuseBadValues()
    {
        var s = new LlmQueueSettings()
            .With("policy", "RR").With("service_quantum", "32").With("quantum_ms", "150").With("aging_rate", "2.5").With("skill_threshold", "0.4");
        Assert.Equal(new LlmQueueSettings { Policy = "rr", ServiceQuantum = 32, Quantum = TimeSpan.FromMilliseconds(150), AgingRate = 2.5, SkillThreshold = 0.4 }, s);
        Assert.SequenceEqual(["rr", "32", "150", "2.5", "0.4"], LlmQueueSettings.ParameterNames.Select(s.Get));
        Assert.Equal(s with { ServiceQuantum = null }, s.With("service_quantum", ""));
        Assert.Throws<ArgumentException>(() => s.With("aging_rate", "-1"));
        Assert.Throws<ArgumentException>(() => s.With("skill_threshold", "2"));
        Assert.Throws<ArgumentException>(() => s.With("quantum_ms", "soon"));
        Assert.Throws<ArgumentException>(() => s.Get("nope"));
        foreach (var name in LlmQueueSettings.PolicyNames)
        {
            var policy = new LlmQueueSettings { Policy = name }.CreatePolicy(new AgentOS.Scheduling.HintCostEstimator<AgentOS.Tests.Scheduling.Job>(), new AgentOS.Scheduling.LengthDistributions<AgentOS.Tests.Scheduling.Job>(_ => ("a", "s")));
            Assert.Equal(name, policy.Name);
            policy.Dispose();
        }
    }

    [Test]
    public void TheProfileLearnsLatencyFailuresArrivalsAndLengthDistributions()
    {
        var live = Traffic.Live(Traffic.Calls(400), new LlmQueueSettings { Policy = "fifo" });
        live[3] = live[3] with { Failed = true };
        var profile = TrafficProfile.Learn(live);
        var sim = profile.Backends["sim"];
        Assert.True(sim.Measured);
        Assert.Near(Traffic.Model.DecodePerToken.TotalSeconds, sim.DecodePerToken, 1e-9);
        Assert.Near(Traffic.Model.FirstTokenBase.TotalSeconds + 100 * Traffic.Model.PrefillPerToken.TotalSeconds, sim.FirstTokenBase + 100 * sim.PrefillPerToken, 1e-9);
        Assert.Equal(1 / 400.0, sim.FailureRate);
        Assert.Equal(profile.Model.DecodePerToken, Traffic.Model.DecodePerToken);
        Assert.Equal(20.0, profile.Lengths["agent0/short"].P99);
        Assert.Equal(400.0, profile.Lengths["agent0/long"].P50);
        Assert.Near(1.0, profile.InterArrivalCv, 0.2, "Poisson arrivals");
        Assert.True(profile.ArrivalRate > 0);
    }

    [Test]
    public void ABackendThatOnlyReportsWholeServiceTimesIsFittedOnOutputTokens()
    {
        // No first-token or decode times (a backend that does not stream): service = 0.05 s + 0.01 s per output token.
        var calls = Enumerable.Range(1, 20).Select(i => new TrafficRecord(i, "a", "s", 100, 10 * i, 1, Backend: "remote", Service: 0.05 + 0.01 * 10 * i)).ToList();
        var fit = TrafficProfile.Learn(calls).Backends["remote"];
        Assert.True(fit.Measured);
        Assert.Near(0.05, fit.FirstTokenBase, 1e-9);
        Assert.Near(0.01, fit.DecodePerToken, 1e-9);
        Assert.Equal(0.0, fit.PrefillPerToken);
        // Too few calls to fit: the simulator's defaults, and it says it measured nothing.
        Assert.False(TrafficProfile.Learn(calls[..5]).Backends["remote"].Measured);
    }
}
