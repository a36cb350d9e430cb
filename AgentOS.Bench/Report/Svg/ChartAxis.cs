using System.Globalization;

namespace AgentOS.Bench.Report.Svg;

/// <summary>
/// One axis of a chart: a data range mapped onto a pixel range, linear or logarithmic (base 10), with its ticks. A log
/// axis widens its range to whole decades and puts a tick on every power of ten, so 1, 10, 100 ... sit at equal steps;
/// a linear axis picks a step of 1, 2 or 5 times a power of ten giving about five ticks, and widens to whole steps.
/// </summary>
public sealed class ChartAxis
{
    private readonly double _lo, _hi;

    public ChartAxis(double min, double max, bool log)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || min > max)
        {
            throw new ArgumentException($"an axis needs min <= max, not {min} and {max}");
        }
        if (log && min <= 0)
        {
            throw new ArgumentException($"a log axis needs positive values, not {min}");
        }
        Log = log;
        if (log)
        {
            _lo = Math.Floor(Math.Log10(min) + 1e-9);
            _hi = Math.Max(_lo + 1, Math.Ceiling(Math.Log10(max) - 1e-9));
            Ticks = [.. Enumerable.Range(0, (int)(_hi - _lo) + 1).Select(k => Math.Pow(10, _lo + k))];
        }
        else
        {
            if (max == min)
            {
                max = min + 1;
            }
            double step = NiceStep((max - min) / 5);
            _lo = Math.Floor(min / step + 1e-9) * step;
            _hi = Math.Ceiling(max / step - 1e-9) * step;
            int count = (int)Math.Round((_hi - _lo) / step);
            Ticks = [.. Enumerable.Range(0, count + 1).Select(k => Math.Round(_lo + k * step, 12))];
        }
    }

    public bool Log { get; }

    /// <summary>The tick values, lowest first; the first and last are the axis' ends.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Where <paramref name="value"/> falls between <paramref name="from"/> (the axis' low end) and
    /// <paramref name="to"/> (its high end); values beyond the range are clamped to it.</summary>
    public double Map(double value, double from, double to)
    {
        double v = Log ? Math.Log10(Math.Max(value, double.Epsilon)) : value;
        double t = Math.Clamp((v - _lo) / (_hi - _lo), 0, 1);
        return from + t * (to - from);
    }

    /// <summary>A tick's label: 1k, 10M, 0.001, 2.5 ...</summary>
    public static string Label(double value)
    {
        double a = Math.Abs(value);
        var ci = CultureInfo.InvariantCulture;
        return a switch
        {
            >= 1e9 => (value / 1e9).ToString("0.##", ci) + "G",
            >= 1e6 => (value / 1e6).ToString("0.##", ci) + "M",
            >= 1e3 => (value / 1e3).ToString("0.##", ci) + "k",
            0 => "0",
            < 0.01 => value.ToString("0.###E+0", ci),
            _ => value.ToString("0.##", ci),
        };
    }

    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }
}
