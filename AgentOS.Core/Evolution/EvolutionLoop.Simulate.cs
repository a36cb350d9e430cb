using AgentOS.Evolution.Replay;
using AgentOS.Llm;
using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;

namespace AgentOS.Evolution;

public sealed partial class EvolutionLoop
{
    /// <summary>
    /// Replays <paramref name="window"/> (arrival order) under <paramref name="settings"/> through the kernel's own
    /// queue on the simulator, with length learners that start from what <paramref name="prior"/> (the calls before the
    /// window) taught and learn on as replayed calls finish — never from calls not yet finished, so a replay knows no
    /// more than the live queue did.
    /// </summary>
    /// <remarks>With <paramref name="backends"/>, the replay runs each backend on its own slots (as the settings
    /// give them) and latency fit, the calls routed as the settings route them; without, on one pool of
    /// <paramref name="slots"/> identical slots of <paramref name="model"/>.</remarks>
    internal static ReplayOutcome Simulate(LlmQueueSettings settings, IReadOnlyList<TrafficRecord> prior, IReadOnlyList<TrafficRecord> window, SimulatedLatencyModel model, int slots,
        ReplayBackends? backends = null)
    {
        var estimator = new OnlineCostEstimator<ReplayRequest>(static r => (r.Agent, r.Site)) { SkillThreshold = settings.SkillThreshold };
        var lengths = new LengthDistributions<ReplayRequest>(static r => (r.Agent, r.Site));
        foreach (var call in prior)
        {
            estimator.Observe(call.Agent, call.Site, call.OutputTokens);
            lengths.Observe(call.Agent, call.Site, call.OutputTokens);
        }
        double start = window[0].Arrival;
        var route = backends?.Route(settings, window);
        var pool = backends?.Pool(settings);
        SimulatedLatencyModel ModelOf(int backend) => pool is null ? model : pool.Models[backend];
        var requests = new ReplayRequest[window.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            var c = window[i];
            int backend = route?[i] ?? 0;
            requests[i] = new ReplayRequest(i, c.Agent, c.Site, c.Arrival - start, c.InputTokens, Math.Max(1, c.OutputTokens),
                10 * ModelOf(backend).Service(c.InputTokens, c.OutputTokens).TotalSeconds) { Backend = backend };
        }
        return TrafficReplay.Run(requests, _ => settings.CreatePolicy(estimator, lengths, r => ModelOf(r.Backend).TimeToFirstToken(r.Input).TotalSeconds / ModelOf(r.Backend).DecodePerToken.TotalSeconds), slots, model, r =>
        {
            estimator.Observe(r.Agent, r.Site, r.Output);
            lengths.Observe(r.Agent, r.Site, r.Output);
        }, pool: pool);
    }

    // Mean and p99 of latencies from index `from` on.
    private static (double Mean, double P99) Scored(double[] latencies, int from)
    {
        var (mean, _, p99) = ReplayOutcome.Summary(latencies.AsSpan(from));
        return (mean, p99);
    }
}
