using AgentOS.Evolution;
using AgentOS.Llm;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Evolution;

/// <summary>The loop proves, applies, watches and rolls back, each on replayed synthetic traffic (see <see cref="Traffic"/>).</summary>
public sealed class EvolutionLoopTests
{
    // Not the default, and every field set, so a rollback that restores "almost" the previous settings shows.
    private static readonly LlmQueueSettings Start = new() { Policy = "rr", ServiceQuantum = 64, Quantum = TimeSpan.FromMilliseconds(250), AgingRate = 3, SkillThreshold = 0.35 };

    private static EvolutionOptions Options => new() { Window = 300, EvaluateEvery = 1, WatchCalls = 150, Resamples = 200 };

    // Observes the first 400 calls live under Start and steps: the proof replays the window and applies a candidate.
    private static (EvolutionLoop Loop, RecordingTarget Target, List<TrafficRecord> Calls, EvolutionChange Applied) Proven(EvolutionOptions? options = null)
    {
        var calls = Traffic.Calls(600);
        var target = new RecordingTarget(Start);
        var loop = new EvolutionLoop(target, options ?? Options);
        foreach (var call in Traffic.Live(calls[..400], Start))
        {
            loop.Observe(call);
        }
        var change = loop.Step();
        Assert.NotNull(change, "a proof on traffic where RR is far from the best order applies a change");
        return (loop, target, calls, change!);
    }

    [Test]
    public void AProvenChangeIsAppliedWithItsBootstrapBoundAboveZeroAndVersioned()
    {
        var (loop, target, _, change) = Proven();
        Assert.Equal("apply", change.Kind);
        Assert.Equal(1L, change.Version);
        Assert.Equal(Start, change.From);
        Assert.Equal(change.To, target.Current);
        Assert.SequenceEqual([change.To], target.Applied);
        Assert.True(change.LowerBound > 0, $"lower bound {change.LowerBound}");
        Assert.True(change.Gain >= change.LowerBound);
        Assert.True(loop.Watching);
        var proof = Assert.NotNull(loop.LastProof);
        Assert.Equal(Start, proof.Current);
        var chosen = proof.Candidates.Single(c => c.Settings.Equals(change.To));
        Assert.True(chosen.Admissible);
        // The best admissible candidate by mean gain, and every admissible one passed the bootstrap bar.
        Assert.Equal(proof.Candidates.Where(c => c.Admissible).Max(c => c.Gain), chosen.Gain);
        Assert.True(proof.Candidates.All(c => !c.Admissible || c.LowerBound > 0));
        Assert.True(chosen.Mean < proof.Mean, $"candidate {chosen.Mean} vs current {proof.Mean}");
        Assert.Contains("paired resamples", change.Reason);
        Assert.SequenceEqual([change], loop.History);
    }

    [Test]
    public void NothingIsAppliedWhenNoCandidateIsProvenBetter()
    {
        // Every call alike and arrivals far apart: no order beats another, so no bound is above zero.
        var calls = Enumerable.Range(0, 400).Select(i => new TrafficRecord(i * 10.0, "a", "s", 100, 20, 0.44, 0.04, 0.38, "sim")).ToList();
        var target = new RecordingTarget(Start);
        var loop = new EvolutionLoop(target, Options);
        foreach (var call in calls)
        {
            loop.Observe(call);
        }
        Assert.Null(loop.Step());
        Assert.Equal(0, target.Applied.Count);
        Assert.Equal(Start, target.Current);
        Assert.Equal(0, loop.History.Count);
        var proof = Assert.NotNull(loop.LastProof);
        Assert.True(proof.Candidates.Count > 0 && proof.Candidates.All(c => !c.Admissible));
    }

    [Test]
    public void AChangeTheLiveQueueSuffersUnderIsRolledBackToExactlyThePreviousSettings()
    {
        var (loop, target, calls, applied) = Proven();
        // The calls after the change finish three times slower than the applied settings would give: the live metric
        // degraded (say the backend behaves worse under the new order), whatever the replay thinks.
        foreach (var call in Traffic.Live(calls, applied.To, slowdown: 3)[400..])
        {
            loop.Observe(call);
        }
        var rollback = Assert.NotNull(loop.Step());
        Assert.Equal("rollback", rollback.Kind);
        Assert.Equal(2L, rollback.Version);
        Assert.Equal(applied.To, rollback.From);
        Assert.Equal(Start, rollback.To);
        // Restored exactly: every field, and the very value the target ran before.
        Assert.Equal(Start, target.Current);
        foreach (var name in LlmQueueSettings.ParameterNames)
        {
            Assert.Equal(Start.Get(name), target.Current.Get(name), name);
        }
        Assert.SequenceEqual([applied.To, Start], target.Applied);
        Assert.False(loop.Watching);
        Assert.Contains("live mean", rollback.Reason);
    }

    [Test]
    public void AChangeTheLiveQueueGainsFromIsKept()
    {
        var (loop, target, calls, applied) = Proven();
        foreach (var call in Traffic.Live(calls, applied.To)[400..])
        {
            loop.Observe(call);
        }
        var keep = Assert.NotNull(loop.Step());
        Assert.Equal("keep", keep.Kind);
        Assert.Equal(applied.To, keep.To);
        Assert.Equal(applied.To, target.Current);
        Assert.SequenceEqual([applied.To], target.Applied);
        Assert.True(keep.Gain > 0, $"measured gain {keep.Gain}");
    }

    [Test]
    public void TheWatchWaitsForEnoughCallsAfterTheChange()
    {
        var (loop, target, calls, applied) = Proven();
        foreach (var call in Traffic.Live(calls, applied.To, slowdown: 3)[400..549])
        {
            loop.Observe(call);
        }
        Assert.Null(loop.Step());
        Assert.True(loop.Watching);
        Assert.Equal(applied.To, target.Current);
    }

    [Test]
    public void APinnedParameterIsNeverChangedByTheLoop()
    {
        var options = Options with { Pins = new Dictionary<string, string> { ["policy"] = "rr" } };
        var calls = Traffic.Calls(400);
        var target = new RecordingTarget(Start);
        var loop = new EvolutionLoop(target, options);
        Assert.Equal("pin", loop.History.Single().Kind);
        foreach (var call in Traffic.Live(calls, Start))
        {
            loop.Observe(call);
        }
        var change = loop.Step();
        Assert.True(change is null || change.To.Policy == "rr", $"changed to {change?.To}");
        Assert.True(Assert.NotNull(loop.LastProof).Candidates.All(c => c.Settings.Policy == "rr"));
        Assert.Equal("rr", target.Current.Policy);
        Assert.Equal("rr", loop.Pins["policy"]);
    }

    [Test]
    public void PinningAppliesNowAndARefusedPinChangesNothing()
    {
        var target = new RecordingTarget(Start);
        var loop = new EvolutionLoop(target, Options);
        var pin = Assert.NotNull(loop.Pin("aging_rate", "5"));
        Assert.Equal("pin", pin.Kind);
        Assert.Equal(5.0, target.Current.AgingRate);
        Assert.Equal(Start with { AgingRate = 5 }, target.Current);
        Assert.Throws<ArgumentException>(() => loop.Pin("policy", "nonsense"));
        Assert.Throws<ArgumentException>(() => loop.Pin("no_such_parameter", "1"));
        Assert.Equal(Start with { AgingRate = 5 }, target.Current);
        Assert.Equal(1, loop.History.Count);
        Assert.False(loop.Pins.ContainsKey("policy"));
        Assert.True(loop.Unpin("aging_rate"));
        Assert.False(loop.Unpin("aging_rate"));
        Assert.SequenceEqual(["pin", "unpin"], loop.History.Select(c => c.Kind));
        Assert.SequenceEqual([1L, 2L], loop.History.Select(c => c.Version));
    }

    [Test]
    public void VersionsContinueAfterAKeptHistory()
    {
        var earlier = new EvolutionChange(7, DateTimeOffset.UnixEpoch, "apply", new LlmQueueSettings(), Start, "earlier run");
        var loop = new EvolutionLoop(new RecordingTarget(Start), Options, history: [earlier]);
        Assert.Equal(8L, Assert.NotNull(loop.Pin("policy", "fifo")).Version);
    }
}
