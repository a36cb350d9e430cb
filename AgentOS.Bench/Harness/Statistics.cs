namespace AgentOS.Bench.Harness;

/// <summary>Order statistics over a sorted sample (nearest-rank percentiles).</summary>
internal static class Statistics
{
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median: the mean of the two middle values for an even count.</summary>
    public static double Median(ReadOnlySpan<double> sorted) =>
        sorted.IsEmpty ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
