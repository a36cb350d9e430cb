namespace AgentOS.Bench.Scheduling.Quality;

/// <summary>Latencies (completion − arrival, seconds) of one replay, and its deadline misses.</summary>
internal sealed record Outcome(double Mean, double P50, double P99, long Missed, long Preemptions, int Count)
{
    public static Outcome From(SimRequest[] requests, double[] completions, long? missed = null, long preemptions = 0)
    {
        var latencies = new double[requests.Length];
        long late = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            latencies[i] = completions[i] - requests[i].Arrival;
            late += latencies[i] > requests[i].Slo + 1e-9 ? 1 : 0;
        }
        Array.Sort(latencies);
        return new Outcome(latencies.Average(), Rank(latencies, 0.5), Rank(latencies, 0.99), missed ?? late, preemptions, requests.Length);
    }

    private static double Rank(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
