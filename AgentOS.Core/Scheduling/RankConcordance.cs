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
            // Full: the oldest pair's comparisons leave and the new pair's arrive, against the same pairs (the window
            // without the oldest), so one pass over them does both.
            int oldest = _start;
            _start = (_start + 1) % capacity;
            _count--;
            Replace(_estimates[oldest], _actuals[oldest], estimate, actual);
        }
        else
        {
            Compare(estimate, actual);
        }
        int slot = (_start + _count) % capacity;
        _estimates[slot] = estimate;
        _actuals[slot] = actual;
        _count++;
    }

    // Counts the pair against every pair in the window: the window's two contiguous runs of the circular buffer.
    private void Compare(double estimate, double actual)
    {
        int firstLength = Math.Min(_count, _estimates.Length - _start);
        var (concordant, discordant) = CountAgainst(estimate, actual, _estimates.AsSpan(_start, firstLength), _actuals.AsSpan(_start, firstLength));
        var (wrappedConcordant, wrappedDiscordant) = CountAgainst(estimate, actual, _estimates.AsSpan(0, _count - firstLength), _actuals.AsSpan(0, _count - firstLength));
        _concordant += concordant + wrappedConcordant;
        _discordant += discordant + wrappedDiscordant;
    }

    // Uncounts the evicted pair and counts the new one against every pair in the window, in one pass. This runs on
    // every scored finished syscall once the window is full (the cost estimator's skill), so it is vectorized.
    private void Replace(double oldEstimate, double oldActual, double estimate, double actual)
    {
        int firstLength = Math.Min(_count, _estimates.Length - _start);
        var (concordant, discordant) = CountChange(oldEstimate, oldActual, estimate, actual, _estimates.AsSpan(_start, firstLength), _actuals.AsSpan(_start, firstLength));
        var (wrappedConcordant, wrappedDiscordant) = CountChange(oldEstimate, oldActual, estimate, actual, _estimates.AsSpan(0, _count - firstLength), _actuals.AsSpan(0, _count - firstLength));
        _concordant += concordant + wrappedConcordant;
        _discordant += discordant + wrappedDiscordant;
    }

    private static (long Concordant, long Discordant) CountAgainst(double estimate, double actual, ReadOnlySpan<double> estimates, ReadOnlySpan<double> actuals) =>
        CountChange(double.NaN, double.NaN, estimate, actual, estimates, actuals);

    // How many more pairs the new (estimate, actual) pair orders the same way (product above 0) and the opposite way
    // (below 0) than the old pair does; ties and NaN count on neither side, as in the scalar definition (a NaN old pair
    // counts nowhere, which is how CountAgainst uses this). Vector512 where the hardware has it, else Vector256, then scalar.
    private static (long Concordant, long Discordant) CountChange(double oldEstimate, double oldActual, double estimate, double actual,
        ReadOnlySpan<double> estimates, ReadOnlySpan<double> actuals)
    {
        long concordant = 0, discordant = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && estimates.Length >= Vector512<double>.Count)
        {
            var oe = Vector512.Create(oldEstimate);
            var oa = Vector512.Create(oldActual);
            var e = Vector512.Create(estimate);
            var a = Vector512.Create(actual);
            for (; i <= estimates.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                var es = Vector512.Create(estimates.Slice(i, Vector512<double>.Count));
                var acts = Vector512.Create(actuals.Slice(i, Vector512<double>.Count));
                var product = (e - es) * (a - acts);
                var old = (oe - es) * (oa - acts);
                concordant += BitOperations.PopCount(Vector512.GreaterThan(product, Vector512<double>.Zero).ExtractMostSignificantBits())
                              - BitOperations.PopCount(Vector512.GreaterThan(old, Vector512<double>.Zero).ExtractMostSignificantBits());
                discordant += BitOperations.PopCount(Vector512.LessThan(product, Vector512<double>.Zero).ExtractMostSignificantBits())
                              - BitOperations.PopCount(Vector512.LessThan(old, Vector512<double>.Zero).ExtractMostSignificantBits());
            }
        }
        if (Vector256.IsHardwareAccelerated && estimates.Length - i >= Vector256<double>.Count)
        {
            var oe = Vector256.Create(oldEstimate);
            var oa = Vector256.Create(oldActual);
            var e = Vector256.Create(estimate);
            var a = Vector256.Create(actual);
            for (; i <= estimates.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var es = Vector256.Create(estimates.Slice(i, Vector256<double>.Count));
                var acts = Vector256.Create(actuals.Slice(i, Vector256<double>.Count));
                var product = (e - es) * (a - acts);
                var old = (oe - es) * (oa - acts);
                concordant += BitOperations.PopCount(Vector256.GreaterThan(product, Vector256<double>.Zero).ExtractMostSignificantBits())
                              - BitOperations.PopCount(Vector256.GreaterThan(old, Vector256<double>.Zero).ExtractMostSignificantBits());
                discordant += BitOperations.PopCount(Vector256.LessThan(product, Vector256<double>.Zero).ExtractMostSignificantBits())
                              - BitOperations.PopCount(Vector256.LessThan(old, Vector256<double>.Zero).ExtractMostSignificantBits());
            }
        }
        for (; i < estimates.Length; i++)
        {
            concordant += Sign(estimate, actual, estimates[i], actuals[i], above: true) - Sign(oldEstimate, oldActual, estimates[i], actuals[i], above: true);
            discordant += Sign(estimate, actual, estimates[i], actuals[i], above: false) - Sign(oldEstimate, oldActual, estimates[i], actuals[i], above: false);
        }
        return (concordant, discordant);
    }

    private static int Sign(double estimate, double actual, double otherEstimate, double otherActual, bool above)
    {
        double product = (estimate - otherEstimate) * (actual - otherActual);
        return (above ? product > 0 : product < 0) ? 1 : 0;
    }
}
