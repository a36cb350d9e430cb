using System.Globalization;
using AgentOS.Llm;

namespace AgentOS.Evolution;

public sealed partial class EvolutionLoop
{
    // Replays the window under the settings in force and under every candidate; applies the best candidate whose
    // paired-bootstrap lower bound of gain is above zero and whose p99 stays within the tail bar.
    private EvolutionChange? Prove()
    {
        var (prior, window) = TakeWindow();
        if (window.Count < Math.Min(_options.Window / 2, 200))
        {
            return null;
        }
        var profile = TrafficProfile.Learn(window);
        var model = profile.Model;
        var backends = ReplayBackends.For(_target.Backends, profile);
        int slots = _options.Slots;
        int warm = (int)(window.Count * _options.WarmupFraction);
        int scored = window.Count - warm;
        var current = _target.Current;
        var baseline = Simulate(current, prior, window, model, slots, backends);
        var (baseMean, baseP99) = Scored(baseline.Latencies, warm);
        double liveMean = window.Skip(warm).Average(c => c.Latency);

        var candidates = new List<LlmQueueSettings>();
        // Policy candidates keep the backends' settings in force; backend candidates keep the policy: one change at a time.
        var raws = (_options.Candidates ?? EvolutionOptions.DefaultCandidates)
            .Select(raw => raw with { BackendSlots = current.BackendSlots, RoutingWeights = current.RoutingWeights })
            .Concat(BackendCandidates(current, backends, window));
        foreach (var raw in raws)
        {
            var candidate = WithPins(raw);
            if (!candidate.Equals(current) && !candidates.Contains(candidate))
            {
                candidates.Add(candidate);
            }
        }
        lock (_gate)
        {
            foreach (var key in _cooldown.Keys.ToArray())
            {
                if (--_cooldown[key] <= 0)
                {
                    _cooldown.Remove(key);
                }
            }
            candidates.RemoveAll(_cooldown.ContainsKey);
        }
        var fifo = new LlmQueueSettings { Policy = "fifo", BackendSlots = current.BackendSlots, RoutingWeights = current.RoutingWeights };
        double fifoP99 = current.Policy == "fifo" ? baseP99 : double.NaN;
        var outcomes = new List<(LlmQueueSettings Settings, double[] Latencies)>();
        foreach (var candidate in candidates)
        {
            var outcome = Simulate(candidate, prior, window, model, slots, backends);
            outcomes.Add((candidate, outcome.Latencies));
            if (candidate.Policy == "fifo" && candidate.Equals(WithPins(fifo)))
            {
                fifoP99 = Scored(outcome.Latencies, warm).P99;
            }
        }
        if (double.IsNaN(fifoP99))
        {
            fifoP99 = Scored(Simulate(WithPins(fifo), prior, window, model, slots, backends).Latencies, warm).P99;
        }

        var results = new List<CandidateResult>();
        CandidateResult? best = null;
        var differences = new double[scored];
        foreach (var (candidate, latencies) in outcomes)
        {
            for (int i = 0; i < scored; i++)
            {
                differences[i] = baseline.Latencies[warm + i] - latencies[warm + i];
            }
            var (gain, lower) = PairedBootstrap.LowerBound(differences, _options.Resamples, _options.Confidence);
            var (mean, p99) = Scored(latencies, warm);
            var result = new CandidateResult(candidate, mean, p99, gain, lower, lower > 0 && p99 <= _options.TailLimit * fifoP99);
            results.Add(result);
            if (result.Admissible && (best is null || result.Gain > best.Gain))
            {
                best = result;
            }
        }
        lock (_gate)
        {
            _lastProof = new ProofReport(current, baseMean, baseP99, liveMean, scored, results);
        }
        if (best is null)
        {
            return null;
        }
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"proven on {scored} replayed calls: mean {baseMean:0.###} s -> {best.Mean:0.###} s (gain {best.Gain:0.###} s, {_options.Confidence:P0} lower bound {best.LowerBound:0.###} s over {_options.Resamples} paired resamples), p99 {best.P99:0.###} s (FIFO {fifoP99:0.###} s)");
        double calibration = baseMean > 0 && liveMean > 0 ? liveMean / baseMean : 1;
        double since;
        lock (_gate)
        {
            since = _latestArrival;
        }
        var change = Record("apply", current, best.Settings, reason, best.Gain, best.LowerBound, scored);
        lock (_gate)
        {
            _watch = new Watch(current, best.Settings, since, calibration);
        }
        return change;
    }

    // The window: the latest Window calls by arrival among those that arrived before the calls finishing last (a call
    // still running is missing from what finished; leaving out the newest arrivals keeps long calls from being
    // dropped more often than short ones), and before it the calls the learners start from.
    private (List<TrafficRecord> Prior, List<TrafficRecord> Window) TakeWindow()
    {
        TrafficRecord[] all;
        lock (_gate)
        {
            all = [.. _records];
        }
        if (all.Length == 0)
        {
            return ([], []);
        }
        int recent = Math.Max(1, _options.Window / 10);
        double cutoff = double.NegativeInfinity;
        for (int i = 0; i < all.Length - recent; i++)
        {
            cutoff = Math.Max(cutoff, all[i].Arrival);
        }
        var settled = all.Where(c => c.Arrival <= cutoff).OrderBy(c => c.Arrival).ToList();
        int start = Math.Max(0, settled.Count - _options.Window);
        int priorStart = Math.Max(0, start - _options.Window);
        return (settled.GetRange(priorStart, start - priorStart), settled.GetRange(start, settled.Count - start));
    }
}
