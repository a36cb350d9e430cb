using AgentOS.Llm.Simulation;

namespace AgentOS.Evolution;

/// <summary>
/// What the loop learned from recent traffic: each backend's first-token and per-token latency and failure rate, the
/// arrival pattern, and output lengths per (agent, call site) as distributions. The latency fit is the simulator
/// model the proofs replay on.
/// </summary>
public sealed record TrafficProfile
{
    /// <summary>Calls learned from.</summary>
    public int Calls { get; init; }

    /// <summary>Arrivals per second over the records' span.</summary>
    public double ArrivalRate { get; init; }

    /// <summary>Coefficient of variation of inter-arrival times (1 for Poisson arrivals; above 1 bursty).</summary>
    public double InterArrivalCv { get; init; }

    /// <summary>Per backend: first-token latency fit, per-token latency and failure rate.</summary>
    public IReadOnlyDictionary<string, BackendProfile> Backends { get; init; } = new Dictionary<string, BackendProfile>();

    /// <summary>Per "agent/site": output-length distribution summary.</summary>
    public IReadOnlyDictionary<string, LengthSummary> Lengths { get; init; } = new Dictionary<string, LengthSummary>();

    /// <summary>The simulator model the proofs use: the busiest measured backend's fit, or the default where nothing
    /// was measured.</summary>
    public SimulatedLatencyModel Model { get; init; } = new();

    /// <summary>Learns a profile from finished calls (any order).</summary>
    public static TrafficProfile Learn(IReadOnlyList<TrafficRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var byArrival = records.Select(r => r.Arrival).Order().ToArray();
        double rate = 0, cv = 0;
        if (byArrival.Length > 2 && byArrival[^1] > byArrival[0])
        {
            rate = (byArrival.Length - 1) / (byArrival[^1] - byArrival[0]);
            var gaps = byArrival.Skip(1).Zip(byArrival, (b, a) => b - a).ToArray();
            double mean = gaps.Average();
            cv = mean > 0 ? Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length) / mean : 0;
        }
        var backends = records.GroupBy(r => r.Backend, StringComparer.Ordinal).ToDictionary(g => g.Key, g => BackendProfile.Fit([.. g]), StringComparer.Ordinal);
        var lengths = records.Where(r => !r.Failed).GroupBy(r => r.Agent + "/" + r.Site, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => LengthSummary.Of(g.Select(r => (double)r.OutputTokens)), StringComparer.Ordinal);
        var busiest = backends.Values.Where(b => b.Measured).OrderByDescending(b => b.Calls).FirstOrDefault();
        var model = busiest is null ? new SimulatedLatencyModel() : new SimulatedLatencyModel
        {
            FirstTokenBase = TimeSpan.FromSeconds(busiest.FirstTokenBase),
            PrefillPerToken = TimeSpan.FromSeconds(busiest.PrefillPerToken),
            DecodePerToken = TimeSpan.FromSeconds(busiest.DecodePerToken),
        };
        return new TrafficProfile { Calls = records.Count, ArrivalRate = rate, InterArrivalCv = cv, Backends = backends, Lengths = lengths, Model = model };
    }
}

/// <summary>A backend's learned latency (seconds) and failure rate.</summary>
/// <param name="Calls">Calls seen.</param>
/// <param name="FailureRate">Failed ÷ calls.</param>
/// <param name="FirstTokenBase">First-token latency at zero input (least-squares intercept).</param>
/// <param name="PrefillPerToken">First-token latency per input token (least-squares slope).</param>
/// <param name="DecodePerToken">Median time per generated token after the first.</param>
/// <param name="Measured">Whether the calls carried first-token and decode times.</param>
public sealed record BackendProfile(int Calls, double FailureRate, double FirstTokenBase, double PrefillPerToken, double DecodePerToken, bool Measured)
{
    internal static BackendProfile Fit(TrafficRecord[] calls)
    {
        double failure = calls.Count(c => c.Failed) / (double)calls.Length;
        var timed = calls.Where(c => !c.Failed && double.IsFinite(c.FirstToken) && double.IsFinite(c.Decode) && c.OutputTokens > 1).ToArray();
        if (timed.Length < 8)
        {
            // Only whole service times (a backend that does not stream): service = base + per-token × output tokens.
            var whole = calls.Where(c => !c.Failed && double.IsFinite(c.Service) && c.OutputTokens > 0).ToArray();
            if (whole.Length >= 8 && whole.Select(c => c.OutputTokens).Distinct().Skip(1).Any())
            {
                var (a, b) = LeastSquares(whole, c => c.OutputTokens, c => c.Service);
                return new(calls.Length, failure, a, 0, Math.Max(b, 1e-6), true);
            }
            var fallback = new SimulatedLatencyModel();
            return new(calls.Length, failure, fallback.FirstTokenBase.TotalSeconds, fallback.PrefillPerToken.TotalSeconds, fallback.DecodePerToken.TotalSeconds, false);
        }
        var perToken = timed.Select(c => c.Decode / (c.OutputTokens - 1)).Order().ToArray();
        double decode = perToken[perToken.Length / 2];
        var (intercept, slope) = LeastSquares(timed, c => c.InputTokens, c => c.FirstToken);
        return new(calls.Length, failure, intercept, slope, Math.Max(decode, 1e-6), true);
    }

    // y = intercept + slope × x, both kept at zero or more (a latency never shrinks with more tokens).
    private static (double Intercept, double Slope) LeastSquares(TrafficRecord[] calls, Func<TrafficRecord, double> x, Func<TrafficRecord, double> y)
    {
        double mx = calls.Average(x), my = calls.Average(y);
        double sxx = calls.Sum(c => (x(c) - mx) * (x(c) - mx));
        double slope = sxx > 0 ? Math.Max(0, calls.Sum(c => (x(c) - mx) * (y(c) - my)) / sxx) : 0;
        return (Math.Max(0, my - slope * mx), slope);
    }
}

/// <summary>An output-length distribution in brief (tokens).</summary>
public sealed record LengthSummary(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    internal static LengthSummary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double Rank(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new(sorted.Length, sorted.Average(), Rank(0.5), Rank(0.9), Rank(0.99), sorted[^1]);
    }
}
