namespace AgentOS.Bench.Report.Peers;

/// <summary>One peer run's calls (latency in seconds, from the call's start to its answer or its final failure,
/// retries included) and its makespan (all agents started together, to the last one done).</summary>
internal sealed record PeerOutcome(IReadOnlyList<(int Agent, int Call, bool Ok, double Latency)> Calls, double Makespan)
{
    public int Completed => Calls.Count(c => c.Ok);

    public int Failed => Calls.Count(c => !c.Ok);

    public ReportPeer ToRow(string name, string mode)
    {
        var latencies = Calls.Where(c => c.Ok).Select(c => c.Latency).Order().ToArray();
        double mean = latencies.Length == 0 ? 0 : latencies.Average();
        double p99 = latencies.Length == 0 ? 0 : latencies[Math.Clamp((int)Math.Ceiling(0.99 * latencies.Length) - 1, 0, latencies.Length - 1)];
        return new ReportPeer
        {
            Name = name, Mode = mode, Completed = Completed, Failed = Failed, MeanSeconds = mean, P99Seconds = p99, MakespanSeconds = Makespan,
            GoodputPerSecond = Makespan > 0 ? Completed / Makespan : 0,
        };
    }

    public static ReportPeer NotRun(string name, string mode, string why) => new() { Name = name, Mode = mode, NotRunReason = why };
}
