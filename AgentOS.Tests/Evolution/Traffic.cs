using AgentOS.Evolution;
using AgentOS.Llm;
using AgentOS.Llm.Simulation;

namespace AgentOS.Tests.Evolution;

/// <summary>
/// Synthetic LLM traffic for the loop's tests: Poisson arrivals at load 0.85 on one slot of the default simulated
/// backend, four agents each calling a "short" site (20 tokens) four times in five and a "long" one (400 tokens)
/// otherwise, so lengths are predictable from the call site and FIFO is far from the best order.
/// </summary>
internal static class Traffic
{
    public static readonly SimulatedLatencyModel Model = new();

    public static List<TrafficRecord> Calls(int count, int seed = 11)
    {
        var random = new Random(seed);
        double meanService = 0.8 * Model.Service(100, 20).TotalSeconds + 0.2 * Model.Service(100, 400).TotalSeconds;
        double rate = 0.85 / meanService;
        var calls = new List<TrafficRecord>(count);
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            t += -Math.Log(1 - random.NextDouble()) / rate;
            bool isLong = random.NextDouble() < 0.2;
            calls.Add(new TrafficRecord(t, "agent" + (i % 4), isLong ? "long" : "short", 100, isLong ? 400 : 20, double.NaN));
        }
        return calls;
    }

    /// <summary>The calls as the live queue would have finished them under <paramref name="settings"/>: latencies, and
    /// first-token and decode times as the backend would report them.</summary>
    public static List<TrafficRecord> Live(List<TrafficRecord> calls, LlmQueueSettings settings, double slowdown = 1)
    {
        var outcome = EvolutionLoop.Simulate(settings, [], calls, Model, 1);
        return [.. calls.Select((c, i) => c with
        {
            Latency = outcome.Latencies[i] * slowdown,
            FirstToken = Model.TimeToFirstToken(c.InputTokens).TotalSeconds,
            Decode = (c.OutputTokens - 1) * Model.DecodePerToken.TotalSeconds,
            Backend = "sim",
        })];
    }
}

/// <summary>A queue that only keeps its settings, and every settings value applied to it.</summary>
internal sealed class RecordingTarget(LlmQueueSettings initial) : ILlmQueueTarget
{
    public LlmQueueSettings Current { get; private set; } = initial;

    public List<LlmQueueSettings> Applied { get; } = [];

    public void Apply(LlmQueueSettings settings)
    {
        settings.Validate();
        Applied.Add(settings);
        Current = settings;
    }
}
