using System.Numerics;
using System.Runtime.Intrinsics;

namespace AgentOS.Scheduling;

/// <summary>
/// How well a set of estimates ranks the true values, over a sliding window of the latest pairs: Kendall's rank
/// concordance, (concordant − discordant) / (concordant + discordant), pairs tied on either side left out (Goodman
/// and Kruskal's gamma). +1: the estimates order every pair correctly; 0: no better than chance; −1: reversed.
/// </summary>
/// <remarks>Adding a pair compares it with every pair in the window, and evicting the oldest subtracts its
/// comparisons, so the counts stay exact for the window at O(window) per pair (vectorized). Not thread-safe.</remarks>
public sealed class RankConcordance
{
    private readonly double[] _estimates;
    private readonly double[] _actuals;
    private int _start;
    private int _count;
    private long _concordant;
    private long _discordant;

    /// <summary>Creates a window of <paramref name="window"/> pairs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is below 2.</exception>
    public RankConcordance(int window = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        _estimates = new double[window];
        _actuals = new double[window];
    }

    /// <summary>Pairs in the window.</summary>
    public int Count => _count;

    /// <summary>The concordance in [−1, 1]; 0 while no untied pair exists.</summary>
    public double Tau => _concordant + _discordant == 0 ? 0 : (_concordant - _discordant) / (double)(_concordant + _discordant);

    /// <summary>Adds an (estimate, true value) pair, evicting the oldest when the window is full.</summary>
    public void Add(double estimate, double actual)
    {
        int capacity = _estimates.Length;
        if (_count == capacity)
        {
            int oldest = _start;
            _start = (_start + 1) % capacity;
            _count--;
            Compare(_estimates[oldest], _actuals[oldest], -1);
        }
        Compare(estimate, actual, +1);
        int slot = (_start + _count) % capacity;
        _estimates[slot] = estimate;
        _actuals[slot] = actual;
        _count++;
    }

    // Counts (sign = +1) or uncounts (−1) the pair against every pair in the window: the window's two contiguous runs
    // of the circular buffer. This runs on every finished syscall (the cost estimator's skill), so it is vectorized.
    private void Compare(double estimate, double actual, int sign)
    {
        int capacity = _estimates.Length;
        int firstLength = Math.Min(_count, capacity - _start);
        var (concordant, discordant) = CountAgainst(estimate, actual, _estimates.AsSpan(_start, firstLength), _actuals.AsSpan(_start, firstLength));
        var (wrappedConcordant, wrappedDiscordant) = CountAgainst(estimate, actual, _estimates.AsSpan(0, _count - firstLength), _actuals.AsSpan(0, _count - firstLength));
        _concordant += sign * (concordant + wrappedConcordant);
        _discordant += sign * (discordant + wrappedDiscordant);
    }

    // How many pairs the (estimate, actual) pair orders the same way (product above 0) and the opposite way (below 0);
    // ties and NaN count on neither side, as in the scalar definition.
    private static (long Concordant, long Discordant) CountAgainst(double estimate, double actual, ReadOnlySpan<double> estimates, ReadOnlySpan<double> actuals)
    {
        long concordant = 0, discordant = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && estimates.Length >= Vector256<double>.Count)
        {
            var e = Vector256.Create(estimate);
            var a = Vector256.Create(actual);
            for (; i <= estimates.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var product = (e - Vector256.Create(estimates.Slice(i, Vector256<double>.Count))) * (a - Vector256.Create(actuals.Slice(i, Vector256<double>.Count)));
                concordant += BitOperations.PopCount(Vector256.GreaterThan(product, Vector256<double>.Zero).ExtractMostSignificantBits());
                discordant += BitOperations.PopCount(Vector256.LessThan(product, Vector256<double>.Zero).ExtractMostSignificantBits());
            }
        }
        for (; i < estimates.Length; i++)
        {
            double product = (estimate - estimates[i]) * (actual - actuals[i]);
            if (product > 0)
            {
                concordant++;
            }
            else if (product < 0)
            {
                discordant++;
            }
        }
        return (concordant, discordant);
    }
}
