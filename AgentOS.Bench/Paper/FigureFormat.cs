using System.Globalization;

namespace AgentOS.Bench.Paper;

/// <summary>
/// How the paper prints the report's numbers: about three significant digits, thousands separated, invariant culture.
/// The check searches the PDF for exactly these strings, so the page and the check cannot disagree.
/// </summary>
internal static class FigureFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return value.ToString(Invariant);
        }
        double magnitude = Math.Abs(value);
        if (magnitude == 0)
        {
            return "0";
        }
        if (magnitude >= 100)
        {
            return value.ToString("N0", Invariant);
        }
        // Three significant digits below 100, trailing zeros dropped (0.000123, 1.5, 42.1).
        int decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(magnitude)), 0, 12);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0." + new string('#', Math.Max(decimals, 1)), Invariant);
    }

    public static string Value(FigureValue value) => value.Number is { } n ? Number(n) : value.Text ?? "";

    /// <summary>A value with its unit, as it is printed (and searched for in the PDF): <c>0.85 µs</c>, <c>1,520,000 syscalls/s</c>.</summary>
    public static string WithUnit(FigureValue value, string unit) =>
        string.IsNullOrWhiteSpace(unit) ? Value(value) : $"{Value(value)} {unit}";

    public static string Ratio(double ratio) => Number(ratio) + "×";

    public static string Optional(double? value) => value is { } v ? Number(v) : "–";
}
