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
    internal static ReplayOutcome Simulate(LlmQueueSettings settings, IReadOnlyList<TrafficRecord> prior, IReadOnlyList<TrafficRecord> window, SimulatedLatencyModel model, int slots)
    {
        var estimator = new OnlineCostEstimator<ReplayRequest>(static r => (r.Agent, r.Site)) { SkillThreshold = settings.SkillThreshold };
        var lengths = new LengthDistributions<ReplayRequest>(static r => (r.Agent, r.Site));
        foreach (var call in prior)
        {
            estimator.Observe(call.Agent, call.Site, call.OutputTokens);
            lengths.Observe(call.Agent, call.Site, call.OutputTokens);
        }
        double start = window[0].Arrival;
        var requests = new ReplayRequest[window.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            var c = window[i];
            requests[i] = new ReplayRequest(i, c.Agent, c.Site, c.Arrival - start, c.InputTokens, Math.Max(1, c.OutputTokens),
                10 * model.Service(c.InputTokens, c.OutputTokens).TotalSeconds);
        }
        double tpot = model.DecodePerToken.TotalSeconds;
        return TrafficReplay.Run(requests, _ => settings.CreatePolicy(estimator, lengths, r => model.TimeToFirstToken(r.Input).TotalSeconds / tpot), slots, model, r =>
        {
            estimator.Observe(r.Agent, r.Site, r.Output);
            lengths.Observe(r.Agent, r.Site, r.Output);
        });
    }

    // Mean and p99 of latencies from index `from` on.
    private static (double Mean, double P99) Scored(double[] latencies, int from)
    {
        var (mean, _, p99) = ReplayOutcome.Summary(latencies.AsSpan(from));
        return (mean, p99);
    }
}
