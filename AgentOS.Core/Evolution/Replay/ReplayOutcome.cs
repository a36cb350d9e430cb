namespace AgentOS.Evolution.Replay;

/// <summary>Latencies (completion − arrival, seconds) of one replay, and its deadline misses.</summary>
/// <remarks>Latencies holds each request's latency in request order, for paired comparisons.</remarks>
internal sealed record ReplayOutcome(double Mean, double P50, double P99, long Missed, long Preemptions, int Count, double[] Latencies)
{
    public static ReplayOutcome From(ReplayRequest[] requests, double[] completions, long? missed = null, long preemptions = 0)
    {
        var latencies = new double[requests.Length];
        long late = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            latencies[i] = completions[i] - requests[i].Arrival;
            late += latencies[i] > requests[i].Slo + 1e-9 ? 1 : 0;
        }
        var (mean, p50, p99) = Summary(latencies);
        return new ReplayOutcome(mean, p50, p99, missed ?? late, preemptions, requests.Length, latencies);
    }

    /// <summary>Mean, median and p99 of some latencies (zeros when there are none).</summary>
    public static (double Mean, double P50, double P99) Summary(ReadOnlySpan<double> latencies)
    {
        if (latencies.IsEmpty)
        {
            return (0, 0, 0);
        }
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return (sorted.Average(), Rank(sorted, 0.5), Rank(sorted, 0.99));
    }

    private static double Rank(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
