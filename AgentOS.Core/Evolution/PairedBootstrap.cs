namespace AgentOS.Evolution;

/// <summary>
/// The proof a candidate must pass: a paired bootstrap of the mean of per-request differences (baseline latency −
/// candidate latency on the same replayed request). Resampling requests, not the two runs separately, keeps the
/// pairing, so traffic that is slow under both does not drown the difference.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>The mean gain and the lower end of its two-sided <paramref name="confidence"/> percentile interval.</summary>
    /// <param name="differences">Baseline − candidate, one per request.</param>
    /// <param name="resamples">Bootstrap resamples (at least 200 for a 95% bound to mean anything).</param>
    /// <param name="confidence">Interval coverage, e.g. 0.95 (the bound is then the 2.5th percentile).</param>
    /// <param name="seed">Resampling seed: the same inputs give the same bound.</param>
    /// <exception cref="ArgumentOutOfRangeException">No differences, fewer than 2 resamples, or confidence outside (0, 1).</exception>
    public static (double Mean, double LowerBound) LowerBound(ReadOnlySpan<double> differences, int resamples = 200, double confidence = 0.95, ulong seed = 0x9E3779B97F4A7C15)
    {
        ArgumentOutOfRangeException.ThrowIfZero(differences.Length, nameof(differences));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 2);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence is a fraction strictly between 0 and 1.");
        }
        int n = differences.Length;
        double total = 0;
        foreach (double d in differences)
        {
            total += d;
        }
        var means = new double[resamples];
        ulong state = seed == 0 ? 1 : seed;
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                // xorshift64*: fast, and deterministic across runtimes (Random's sequence is not promised).
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                sum += differences[(int)((state * 0x2545F4914F6CDD1DUL >> 33) % (ulong)n)];
            }
            means[b] = sum / n;
        }
        Array.Sort(means);
        int rank = Math.Clamp((int)Math.Floor((1 - confidence) / 2 * resamples), 0, resamples - 1);
        return (total / n, means[rank]);
    }
}
