using System.Globalization;

namespace AgentOS.Evolution;

public sealed partial class EvolutionLoop
{
    // Once WatchCalls calls arrived after the change and finished: compares their live mean latency with what the
    // previous settings would have given on the same calls (replayed, with the queue warmed up on the calls before,
    // and scaled by how the live queue compared with the simulator at the proof). Worse by more than the tolerance:
    // the previous settings go back, exactly. Otherwise the change is kept.
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
        int warmCount = (int)(_options.Window * _options.WarmupFraction);
        var before = all.Where(c => c.Arrival <= watch.Since).OrderBy(c => c.Arrival).ToList();
        var warm = before.GetRange(Math.Max(0, before.Count - warmCount), Math.Min(warmCount, before.Count));
        var prior = before.GetRange(0, before.Count - warm.Count);
        var window = warm.Concat(after).ToList();
        var model = TrafficProfile.Learn(window).Model;
        var previous = Simulate(watch.Previous, prior, window, model, _options.Slots);
        double expected = Scored(previous.Latencies, warm.Count).Mean * watch.Calibration;
        double live = after.Average(c => c.Latency);
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
                $"live mean {live:0.###} s over {after.Count} calls is above the previous settings' {expected:0.###} s (replayed, calibrated) by more than {_options.Tolerance:P0}");
            return Record("rollback", _target.Current, watch.Previous, reason, expected - live, 0, after.Count);
        }
        var kept = string.Create(CultureInfo.InvariantCulture,
            $"live mean {live:0.###} s over {after.Count} calls; the previous settings would have given {expected:0.###} s (replayed, calibrated)");
        return Record("keep", _target.Current, _target.Current, kept, expected - live, 0, after.Count);
    }
}
