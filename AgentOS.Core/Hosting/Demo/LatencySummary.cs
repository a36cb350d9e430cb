namespace AgentOS.Hosting.Demo;

/// <summary>Mean, median and 99th percentile (nearest rank) of latencies in seconds.</summary>
internal readonly record struct LatencySummary(int Count, double Mean, double P50, double P99)
{
    public static LatencySummary Of(IReadOnlyCollection<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return default;
        }
        var sorted = seconds.Order().ToArray();
        return new LatencySummary(sorted.Length, sorted.Average(), Rank(sorted, 0.50), Rank(sorted, 0.99));
    }

    private static double Rank(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
