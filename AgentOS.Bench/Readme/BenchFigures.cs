using AgentOS.Bench.Harness;
using AgentOS.Bench.Paper;

namespace AgentOS.Bench.Readme;

/// <summary>
/// The results of a bench run (<c>results.json</c>), read by the README's headline rows: every figure a row takes is
/// looked up here, so the entries a row used, and the runs they came from, are known when the table is written.
/// </summary>
public sealed class BenchFigures
{
    private readonly Dictionary<string, BenchResult> _byName;
    private readonly HashSet<BenchResult> _used = [];

    public BenchFigures(BenchReport report)
    {
        Report = report;
        _byName = report.Results.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public BenchReport Report { get; }

    /// <summary>Every entry a row has read so far.</summary>
    public IReadOnlyCollection<BenchResult> Used => _used;

    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>Median nanoseconds per operation (per operation timed, for latency benchmarks).</summary>
    public double Median(string name) => Get(name).Median;

    public double P99(string name) => Get(name).P99;

    public double PerSecond(string name) => Get(name).OpsPerSec;

    public double BytesPerOp(string name) => Get(name).BytesPerOp;

    /// <summary>The baseline's median ÷ this one's, as the run computed it (above 1: faster than the baseline).</summary>
    public double Ratio(string name, string baseline)
    {
        var result = Get(name);
        Get(baseline);
        return result.Ratios?.GetValueOrDefault(baseline) is { } ratio and not 0
            ? ratio
            : throw new MissingFigureException($"{name} has no ratio to {baseline} in this run");
    }

    public double Metric(string name, string metric) =>
        Get(name).Metrics?.GetValueOrDefault(metric) is { } value
            ? value
            : throw new MissingFigureException($"{name} reported no {metric} in this run");

    // Formatting, as the paper prints numbers: three significant digits, thousands separated, invariant culture.

    public static string Duration(double ns) => ns switch
    {
        < 1_000 => FigureFormat.Number(ns) + " ns",
        < 1_000_000 => FigureFormat.Number(ns / 1e3) + " µs",
        < 1_000_000_000 => FigureFormat.Number(ns / 1e6) + " ms",
        _ => FigureFormat.Number(ns / 1e9) + " s",
    };

    /// <summary>A rate of <paramref name="things"/> per second: <c>1.52 M syscalls/s</c>, <c>89,036 writes/s</c>.</summary>
    public static string Rate(double perSecond, string things) =>
        perSecond >= 1e6 ? $"{FigureFormat.Number(perSecond / 1e6)} M {things}/s" : $"{FigureFormat.Number(perSecond)} {things}/s";

    public static string Times(double ratio) => FigureFormat.Ratio(ratio);

    public static string Number(double value) => FigureFormat.Number(value);

    private BenchResult Get(string name)
    {
        if (!_byName.TryGetValue(name, out var result))
        {
            throw new MissingFigureException($"{name} is not in this run");
        }
        _used.Add(result);
        return result;
    }
}

/// <summary>A figure a headline row needs is absent from the results (the benchmark was skipped, filtered out or failed).</summary>
public sealed class MissingFigureException(string message) : Exception(message);
