namespace AgentOS.Scheduling;

/// <summary>
/// An empirical distribution of service (for the LLM queue: output tokens), as a sorted sample with prefix sums, and
/// the Gittins index it implies. Immutable: a learner hands out a new one when it has learned more.
/// </summary>
/// <remarks>
/// The Gittins index of a job that has received service <c>a</c> is
/// <c>max over Δ of P(S − a ≤ Δ | S &gt; a) ÷ E[min(S − a, Δ) | S &gt; a]</c>: the best rate at which finishing
/// chances can be bought by serving it Δ more. Serving the highest index first minimises mean latency in a single
/// server queue among policies that do not know sizes (Gittins 1989; Scully and Harchol-Balter's SOAP). It is SJF
/// when sizes are predictable, FIFO-like when the hazard rate rises (nothing gains by preempting), and LAS-like when
/// it falls (heavy tails): which is why one learned distribution closes the gap between traces where length-blind
/// policies lose and those where they win. With a sample the maximum is over Δ at each sample point above a, so one
/// evaluation is O(n).
/// </remarks>
public sealed class ServiceDistribution
{
    private readonly double[] _sorted;
    private readonly double[] _prefix; // _prefix[i] = Σ _sorted[0..i)

    /// <summary>No samples: every job looks the same (index 0, so arrival order decides).</summary>
    public static ServiceDistribution Empty { get; } = new([]);

    /// <summary>Creates a distribution from samples (copied and sorted; negative or non-finite values are refused).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A sample is negative or not finite.</exception>
    public ServiceDistribution(ReadOnlySpan<double> samples)
    {
        _sorted = samples.ToArray();
        foreach (double s in _sorted)
        {
            if (!double.IsFinite(s) || s < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(samples), s, "A service sample is a finite number of units, zero or more.");
            }
        }
        Array.Sort(_sorted);
        _prefix = new double[_sorted.Length + 1];
        for (int i = 0; i < _sorted.Length; i++)
        {
            _prefix[i + 1] = _prefix[i] + _sorted[i];
        }
    }

    /// <summary>How many samples.</summary>
    public int Count => _sorted.Length;

    /// <summary>The sample mean (0 when empty).</summary>
    public double Mean => _sorted.Length == 0 ? 0 : _prefix[^1] / _sorted.Length;

    /// <summary>The <paramref name="q"/> quantile (nearest rank; 0 when empty).</summary>
    public double Quantile(double q) =>
        _sorted.Length == 0 ? 0 : _sorted[Math.Clamp((int)Math.Ceiling(q * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    /// <summary>
    /// The Gittins index at <paramref name="attained"/> service, and the service horizon Δ that attains it (serve
    /// that much more, then look again).
    /// </summary>
    /// <param name="attained">Service already received.</param>
    /// <param name="fixedCost">Cost paid before the first unit of service that the sample does not count (an LLM's
    /// prefill, in the same unit), added to the expected cost of any horizon. Only meaningful at zero service.</param>
    /// <returns>The index (higher runs first) and its horizon. A job that outlived every sample is treated as having
    /// as much left as it already received (the heavy-tail guess): index 1 ÷ attained, horizon attained.</returns>
    public (double Index, double Horizon) Gittins(double attained, double fixedCost = 0)
    {
        int n = _sorted.Length;
        if (n == 0)
        {
            return (0, double.PositiveInfinity);
        }
        int k = UpperBound(attained);
        int m = n - k;
        if (m == 0)
        {
            double left = Math.Max(1, attained);
            return (1 / (left + fixedCost), left);
        }
        double best = -1, horizon = 0;
        for (int j = k; j < n; j++)
        {
            // Skip ties: Δ at the last of equal samples completes them all.
            if (j + 1 < n && _sorted[j + 1] == _sorted[j])
            {
                continue;
            }
            double delta = _sorted[j] - attained;
            int done = j - k + 1;
            double expected = (_prefix[j + 1] - _prefix[k] - done * attained + (n - 1 - j) * delta) / m + fixedCost;
            double ratio = expected <= 0 ? double.MaxValue : done / (double)m / expected;
            if (ratio > best)
            {
                best = ratio;
                horizon = delta;
            }
        }
        return (best, horizon);
    }

    // The first index whose sample exceeds value.
    private int UpperBound(double value)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
