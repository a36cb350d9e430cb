using AgentOS.Evolution.Replay;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Time;

namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>
/// The bound: shortest remaining processing time with true output lengths. Waiting requests are ordered by their
/// true remaining tokens; an arrival shorter than a running request's remaining tokens (counted to the token, on the
/// virtual clock) preempts it.
/// </summary>
internal sealed class OracleSrptPolicy(ManualTimeProvider time, double decodeSeconds) : ISchedulingPolicy<ReplayRequest>
{
    private readonly ShortestJobFirstPolicy<ReplayRequest> _inner = new(new OracleEstimator());

    public string Name => "oracle-srpt";

    public int Count => _inner.Count;

    public TimeSpan? TimeSlice => null;

    public void Enqueue(ReplayRequest item, long nowTicks) => _inner.Enqueue(item, nowTicks);

    public bool TryPeek(out ReplayRequest item) => _inner.TryPeek(out item);

    public bool TryDequeue(long nowTicks, out ReplayRequest item) => _inner.TryDequeue(nowTicks, out item);

    public bool Remove(ReplayRequest item) => _inner.Remove(item);

    public void DrainTo(Action<ReplayRequest> sink) => _inner.DrainTo(sink);

    public double ServiceBudget(ReplayRequest item) => double.PositiveInfinity;

    public bool ShouldPreempt(ReplayRequest running)
    {
        if (!_inner.TryPeek(out var head) || !running.Running)
        {
            return false;
        }
        double decoded = Math.Max(0, (time.Elapsed.TotalSeconds - running.DecodeStart) / decodeSeconds);
        double runningLeft = running.Output - running.ServiceAtDecodeStart - decoded;
        return head.Output - head.Ticket.AttainedService < runningLeft - 1;
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>True output lengths: what the oracles know and no real scheduler can.</summary>
internal sealed class OracleEstimator : ICostEstimator<ReplayRequest>
{
    public double Estimate(ReplayRequest item) => item.Output;
}
