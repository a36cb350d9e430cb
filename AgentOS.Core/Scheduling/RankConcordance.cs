namespace AgentOS.Scheduling;

/// <summary>
/// How well a set of estimates ranks the true values, over a sliding window of the latest pairs: Kendall's rank
/// concordance, (concordant − discordant) / (concordant + discordant), pairs tied on either side left out (Goodman
/// and Kruskal's gamma). +1: the estimates order every pair correctly; 0: no better than chance; −1: reversed.
/// </summary>
/// <remarks>Adding a pair compares it with every pair in the window, and evicting the oldest subtracts its
/// comparisons, so the counts stay exact for the window at O(window) per pair. Not thread-safe.</remarks>
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

    // Counts (sign = +1) or uncounts (−1) the pair against every pair in the window.
    private void Compare(double estimate, double actual, int sign)
    {
        int capacity = _estimates.Length;
        for (int i = 0, j = _start; i < _count; i++, j = j + 1 == capacity ? 0 : j + 1)
        {
            double product = (estimate - _estimates[j]) * (actual - _actuals[j]);
            if (product > 0)
            {
                _concordant += sign;
            }
            else if (product < 0)
            {
                _discordant += sign;
            }
        }
    }
}
