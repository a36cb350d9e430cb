using System.Text.Json;
using AgentOS.Evolution;
using AgentOS.Llm;
using AgentOS.Serialization;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Evolution;

/// <summary>
/// Slots per backend and routing weights as the loop's candidates: proven on a replay that runs each backend on its own
/// slots and routes as the settings route, applied, and rolled back to exactly the previous configuration.
/// </summary>
public sealed class EvolutionBackendTests
{
    // Only the backend candidates, so the proof can choose nothing else.
    private static EvolutionOptions Options => new() { Window = 300, EvaluateEvery = 1, WatchCalls = 150, Resamples = 200, Candidates = [] };

    // The calls as they ran live under `settings` on `backends` (each its declared slots, the default simulated model).
    private static List<TrafficRecord> Live(List<TrafficRecord> calls, LlmQueueSettings settings, Dictionary<string, int> backends, double slowdown = 1)
    {
        var replay = new EvolutionLoop.ReplayBackends([.. backends.Keys], [.. backends.Values], [.. backends.Keys.Select(_ => Traffic.Model)]);
        var routed = calls.Select(c => c with { Backend = backends.Keys.First() }).ToList();
        var outcome = EvolutionLoop.Simulate(settings, [], routed, Traffic.Model, 1, replay);
        var route = replay.Route(settings, routed);
        return [.. routed.Select((c, i) => c with
        {
            Latency = outcome.Latencies[i] * slowdown,
            FirstToken = Traffic.Model.TimeToFirstToken(c.InputTokens).TotalSeconds,
            Decode = (c.OutputTokens - 1) * Traffic.Model.DecodePerToken.TotalSeconds,
            Backend = backends.Keys.ElementAt(route[i]),
        })];
    }

    // Proves on the first 400 calls run live under `start`, then feeds the rest `slowdown` times slower than the applied
    // settings would give (say the backend behaves far worse under them): the watch rolls back. Returns the target and
    // the changes.
    private static (BackendTarget Target, EvolutionChange Applied, EvolutionChange Rollback) ProveThenRollBack(LlmQueueSettings start, Dictionary<string, int> backends, double slowdown)
    {
        var calls = Traffic.Calls(600);
        var target = new BackendTarget(start, backends);
        var loop = new EvolutionLoop(target, Options);
        foreach (var call in Live(calls[..400], start, backends))
        {
            loop.Observe(call);
        }
        var applied = Assert.NotNull(loop.Step(), "a backend candidate is proven better");
        Assert.Equal("apply", applied.Kind);
        Assert.True(applied.LowerBound > 0, $"lower bound {applied.LowerBound}");
        Assert.Equal(applied.To, target.Current);
        foreach (var call in Live(calls, applied.To, backends, slowdown)[400..])
        {
            loop.Observe(call);
        }
        var rollback = Assert.NotNull(loop.Step());
        Assert.Equal("rollback", rollback.Kind);
        return (target, applied, rollback);
    }

    [Test]
    public void AProvenSlotsChangeIsAppliedAndItsRollbackRestoresThePreviousSlotsExactly()
    {
        // Backend "a" declares 2 slots but runs on 1: giving it both back is the change the replay proves.
        var start = new LlmQueueSettings { Policy = "fifo", BackendSlots = new Dictionary<string, int> { ["a"] = 1 } };
        // Twice the slots more than halve the latency at this load: only a far slower live queue is worse than before.
        var (target, applied, rollback) = ProveThenRollBack(start, new() { ["a"] = 2 }, slowdown: 10);
        Assert.Null(applied.To.BackendSlots);
        Assert.Equal("", applied.To.Get("slots.a"));
        Assert.Equal("fifo", applied.To.Policy);
        Assert.Equal(start, rollback.To);
        Assert.Equal(start, target.Current);
        Assert.Equal("1", target.Current.Get("slots.a"));
        Assert.SequenceEqual([applied.To, start], target.Applied);
    }

    [Test]
    public void AProvenRoutingWeightsChangeIsAppliedAndItsRollbackRestoresTheConfiguredRoutingExactly()
    {
        // Every call went to the default backend "a" while "b" stood idle: spreading them is the change the replay proves.
        var start = new LlmQueueSettings { Policy = "fifo" };
        var (target, applied, rollback) = ProveThenRollBack(start, new() { ["a"] = 1, ["b"] = 1 }, slowdown: 10);
        var weights = Assert.NotNull(applied.To.RoutingWeights);
        Assert.Equal(weights["a"], weights["b"]); // equal backends, equal shares
        Assert.Null(rollback.To.RoutingWeights);
        Assert.Equal(start, target.Current);
        Assert.SequenceEqual([applied.To, start], target.Applied);
    }

    [Test]
    public void APinnedBackendParameterIsNeverChangedByTheLoop()
    {
        var backends = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 };
        var start = new LlmQueueSettings { Policy = "fifo" };
        var target = new BackendTarget(start, backends);
        var loop = new EvolutionLoop(target, Options with { Pins = new Dictionary<string, string> { ["weight.a"] = "1", ["weight.b"] = "0" } });
        foreach (var call in Live(Traffic.Calls(400), start, backends))
        {
            loop.Observe(call);
        }
        Assert.Equal(2, target.Applied.Count); // the two pins, each applied as it was made
        loop.Step();
        Assert.True(target.Applied.Skip(2).All(s => s.Get("weight.b") == "0" && s.Get("weight.a") == "1"), "every value the loop applies keeps the pins");
        Assert.Equal("0", target.Current.Get("weight.b"));
        Assert.True(loop.LastProof!.Candidates.All(c => c.Settings.Get("weight.b") == "0"), "no candidate moves a pinned weight");
    }

    [Test]
    public void BackendParametersReadWriteCompareAndTravelAsJson()
    {
        var settings = new LlmQueueSettings().With("slots.gpu", "3").With("weight.gpu", "2").With("weight.cpu", "0.5");
        Assert.Equal("3", settings.Get("slots.gpu"));
        Assert.Equal("", settings.Get("slots.cpu"));
        Assert.Equal("0.5", settings.Get("weight.cpu"));
        Assert.Equal("3", settings.Parameters()["slots.gpu"]);
        Assert.Equal("sjf", settings.Parameters()["policy"]);
        // Equal by content, not by map identity; "" removes an entry and an emptied map is none at all.
        var same = new LlmQueueSettings
        {
            BackendSlots = new Dictionary<string, int> { ["gpu"] = 3 },
            RoutingWeights = new Dictionary<string, double> { ["cpu"] = 0.5, ["gpu"] = 2 },
        };
        Assert.Equal(same, settings);
        Assert.Equal(same.GetHashCode(), settings.GetHashCode());
        Assert.NotEqual(same, settings.With("weight.cpu", "0.25"));
        Assert.Equal(new LlmQueueSettings(), new LlmQueueSettings().With("slots.gpu", "2").With("slots.gpu", ""));
        Assert.Equal("sjf skill=0.2 slots=gpu:3 weights=cpu:0.5,gpu:2", settings.ToString());
        Assert.Throws<ArgumentException>(() => settings.With("slots.gpu", "0"));
        Assert.Throws<ArgumentException>(() => settings.With("slots.gpu", "1.5"));
        Assert.Throws<ArgumentException>(() => new LlmQueueSettings().With("weight.gpu", "-1"));
        Assert.Throws<ArgumentException>(() => settings.With("weight.", "1"));

        var change = new EvolutionChange(3, DateTimeOffset.UnixEpoch, "apply", new LlmQueueSettings(), settings, "why");
        var json = JsonSerializer.Serialize(change, AgentOSJsonContext.Default.EvolutionChange);
        Assert.Equal(change, JsonSerializer.Deserialize(json, AgentOSJsonContext.Default.EvolutionChange));
    }

    [Test]
    public void WeightedRoutingSpreadsCallsInProportionAndFallsBackToTheConfiguredOrder()
    {
        var router = new LlmRouter([new EchoLlmBackend(name: "a"), new EchoLlmBackend(name: "b"), new EchoLlmBackend(name: "c")]);
        var query = new Syscalls.Queries.LlmQuery { Messages = [Syscalls.Queries.ChatMessage.User("hi")] };
        Assert.Equal("a", router.Route(query).Name);
        router.RoutingWeights = new Dictionary<string, double> { ["a"] = 1, ["b"] = 3 };
        var routed = Enumerable.Range(0, 8).Select(_ => router.Route(query).Name).ToList();
        Assert.Equal(2, routed.Count(n => n == "a"));
        Assert.Equal(6, routed.Count(n => n == "b"));
        // A query naming its backend goes there whatever the weights; a backend marked down gets no share.
        Assert.Equal("c", router.Route(new Syscalls.Queries.LlmQuery { Messages = query.Messages, Backend = "c" }).Name);
        router.MarkDown("b");
        Assert.True(Enumerable.Range(0, 4).All(_ => router.Route(query).Name == "a"));
        router.MarkDown("a");
        Assert.Equal("c", router.Route(query).Name); // no weighted backend can take it: the configured order
        Assert.Throws<ArgumentException>(() => router.RoutingWeights = new Dictionary<string, double> { ["zzz"] = 1 });
        Assert.Throws<ArgumentException>(() => router.RoutingWeights = new Dictionary<string, double> { ["a"] = -1 });
        Assert.Equal(3.0, router.RoutingWeights!["b"]); // a refused value changes nothing
        router.RoutingWeights = null;
        router.MarkUp("a");
        Assert.Equal("a", router.Route(query).Name);
    }

    /// <summary>A queue over named backends that only keeps its settings, and every value applied to it.</summary>
    private sealed class BackendTarget(LlmQueueSettings initial, Dictionary<string, int> backends) : ILlmQueueTarget
    {
        public LlmQueueSettings Current { get; private set; } = initial;

        public IReadOnlyDictionary<string, int> Backends => backends;

        public List<LlmQueueSettings> Applied { get; } = [];

        public void Apply(LlmQueueSettings settings)
        {
            settings.Validate();
            Applied.Add(settings);
            Current = settings;
        }
    }
}
