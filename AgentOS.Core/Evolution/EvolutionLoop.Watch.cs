using System.Globalization;

namespace AgentOS.Evolution;

public sealed partial class EvolutionLoop
{
    // Once WatchCalls calls arrived after the change and finished: estimates what the live mean latency of those calls
    // would have been under the previous settings — their replay under the previous settings, scaled by how the live
    // queue compared with the replay of those same settings at the proof (a backend slower than its fit, overheads the
    // simulator does not see) — and rolls back to the exact previous settings when the live mean is worse than that by
    // more than the tolerance. Otherwise the change is kept. The live figure is what decides: a change the replay likes
    // but the live queue suffers under goes back.
    private EvolutionChange? Verdict(Watch watch)
    {
        TrafficRecord[] all;
        lock (_gate)
        {
            all = [.. _records];
        }
        var after = all.Where(c => c.Arrival > watch.Since).OrderBy(c => c.Arrival).ToList();
        if (after.Count < _options.WatchCalls)
        {
            return null;
        }
        // The replay starts from the queue as it was at the change: the calls just before it, and every call that was
        // still waiting or running then however early it arrived (without them the previous settings would look as if
        // they had started from an empty queue, and every change under load would look like a degradation).
        int warmCount = (int)(_options.Window * _options.WarmupFraction);
        var before = all.Where(c => c.Arrival <= watch.Since).OrderBy(c => c.Arrival).ToList();
        int from = Math.Max(0, before.Count - warmCount);
        int backlog = before.FindIndex(c => c.Arrival + c.Latency > watch.Since);
        if (backlog >= 0)
        {
            from = Math.Max(Math.Min(from, backlog), before.Count - 4 * Math.Max(warmCount, 1));
        }
        var warm = before.GetRange(from, before.Count - from);
        var prior = before.GetRange(0, from);
        var window = warm.Concat(after).ToList();
        var profile = TrafficProfile.Learn(window);
        var previous = Simulate(watch.Previous, prior, window, profile.Model, _options.Slots, ReplayBackends.For(_target.Backends, profile));
        double previousMean = Scored(previous.Latencies, warm.Count).Mean;
        double live = after.Average(c => c.Latency);
        double expected = previousMean * watch.Calibration;
        lock (_gate)
        {
            _watch = null;
        }
        if (live > (1 + _options.Tolerance) * expected)
        {
            lock (_gate)
            {
                _cooldown[watch.Applied] = _options.Cooldown;
            }
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"live mean {live:0.###} s over {after.Count} calls is above the previous settings' {expected:0.###} s (its replay {previousMean:0.###} s × the proof's live ÷ replay {watch.Calibration:0.###}) by more than {_options.Tolerance:P0}");
            return Record("rollback", _target.Current, watch.Previous, reason, expected - live, 0, after.Count);
        }
        var kept = string.Create(CultureInfo.InvariantCulture,
            $"live mean {live:0.###} s over {after.Count} calls; the previous settings would have given {expected:0.###} s (its replay {previousMean:0.###} s × the proof's live ÷ replay {watch.Calibration:0.###})");
        return Record("keep", _target.Current, _target.Current, kept, expected - live, 0, after.Count);
    }
}
