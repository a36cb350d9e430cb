using System.Globalization;
using AgentOS.Evolution.Replay;
using AgentOS.Llm;
using AgentOS.Llm.Simulation;

namespace AgentOS.Evolution;

// The per-backend half of the loop: candidates over slots per backend and routing weights, and the replay's model of
// the backends (each its own learned latency fit and slots; calls routed as the settings route them).
public sealed partial class EvolutionLoop
{
    /// <summary>The backends a replay models: names in configured order, declared slots, and each one's learned
    /// latency model.</summary>
    internal sealed record ReplayBackends(string[] Names, int[] Declared, SimulatedLatencyModel[] Models)
    {
        // Each backend's fit where its calls carried timings, else the busiest backend's (the single-pool model).
        public static ReplayBackends? For(IReadOnlyDictionary<string, int> backends, TrafficProfile profile)
        {
            if (backends.Count == 0)
            {
                return null;
            }
            var names = backends.Keys.ToArray();
            var models = names.Select(n => profile.Backends.TryGetValue(n, out var b) && b.Measured
                ? new SimulatedLatencyModel
                {
                    FirstTokenBase = TimeSpan.FromSeconds(b.FirstTokenBase),
                    PrefillPerToken = TimeSpan.FromSeconds(b.PrefillPerToken),
                    DecodePerToken = TimeSpan.FromSeconds(b.DecodePerToken),
                }
                : profile.Model).ToArray();
            return new ReplayBackends(names, [.. names.Select(n => backends[n])], models);
        }

        // Where each call runs under the settings: with no routing weights, where it ran live (the configured default
        // for a backend the replay does not know); with weights, smooth weighted round robin in arrival order.
        public int[] Route(LlmQueueSettings settings, IReadOnlyList<TrafficRecord> window)
        {
            var route = new int[window.Count];
            if (settings.RoutingWeights is not { } weights || !weights.Values.Any(w => w > 0))
            {
                for (int i = 0; i < route.Length; i++)
                {
                    route[i] = Math.Max(0, Array.IndexOf(Names, window[i].Backend));
                }
                return route;
            }
            var weight = Names.Select(n => weights.GetValueOrDefault(n)).ToArray();
            double total = weight.Sum();
            var current = new double[Names.Length];
            for (int i = 0; i < route.Length; i++)
            {
                int best = -1;
                for (int b = 0; b < Names.Length; b++)
                {
                    if (weight[b] > 0)
                    {
                        current[b] += weight[b];
                        if (best < 0 || current[b] > current[best])
                        {
                            best = b;
                        }
                    }
                }
                current[best] -= total;
                route[i] = best;
            }
            return route;
        }

        public ReplayPool Pool(LlmQueueSettings settings) =>
            new(Models, [.. Names.Select((n, i) => Math.Min(Declared[i], settings.BackendSlots?.GetValueOrDefault(n) is int s and > 0 ? s : Declared[i]))]);
    }

    // One change at a time from the settings in force: each backend at half its declared slots and back at all of
    // them; routing as configured, evenly, and in proportion to each backend's learned capacity (slots ÷ mean
    // service time). Pins overwrite the candidates' fields like the policy candidates'.
    private static List<LlmQueueSettings> BackendCandidates(LlmQueueSettings current, ReplayBackends? backends, List<TrafficRecord> window)
    {
        var candidates = new List<LlmQueueSettings>();
        if (backends is null)
        {
            return candidates;
        }
        for (int i = 0; i < backends.Names.Length; i++)
        {
            string name = backends.Names[i];
            candidates.Add(current.With("slots." + name, ""));
            if (backends.Declared[i] > 1)
            {
                candidates.Add(current.With("slots." + name, (backends.Declared[i] / 2).ToString(CultureInfo.InvariantCulture)));
            }
        }
        if (backends.Names.Length > 1)
        {
            candidates.Add(current with { RoutingWeights = null });
            candidates.Add(current with { RoutingWeights = backends.Names.ToDictionary(n => n, _ => 1.0, StringComparer.Ordinal) });
            double meanOutput = window.Count == 0 ? 1 : Math.Max(1, window.Average(c => c.OutputTokens));
            double meanInput = window.Count == 0 ? 0 : window.Average(c => c.InputTokens);
            var pool = backends.Pool(current);
            candidates.Add(current with
            {
                RoutingWeights = Proportional(backends.Names, [.. backends.Names.Select((_, i) => pool.Slots[i] / backends.Models[i].Service((int)meanInput, (int)meanOutput).TotalSeconds)]),
            });
        }
        return candidates;
    }

    // Weights relative to the largest (1), to three decimals and at least 0.001, so equal capacities give equal weights.
    private static Dictionary<string, double> Proportional(string[] names, double[] capacity)
    {
        double max = capacity.Max();
        return names.Select((n, i) => (n, w: max > 0 && double.IsFinite(capacity[i]) ? Math.Max(0.001, Math.Round(capacity[i] / max, 3, MidpointRounding.AwayFromZero)) : 1))
            .ToDictionary(p => p.n, p => p.w, StringComparer.Ordinal);
    }
}
