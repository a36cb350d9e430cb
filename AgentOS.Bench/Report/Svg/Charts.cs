namespace AgentOS.Bench.Report.Svg;

/// <summary>
/// The report's three kinds of chart, drawn on an <see cref="SvgCanvas"/>: lines (either axis linear or log), CDFs
/// (a line chart of cumulative fractions) and grouped bars. Series take colours from one fixed palette in order, so the
/// same data always draws the same picture.
/// </summary>
public static class Charts
{
    public const double Width = 760, Height = 430;
    private const double Left = 80, Right = 210, Top = 44, Bottom = 64;

    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>A line chart; every series' points are drawn in the order given, each point marked.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool xLog, bool yLog, bool markers = true)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!xLog || p.X > 0) && (!yLog || p.Y > 0)).ToList();
        if (points.Count == 0)
        {
            throw new ArgumentException($"chart '{title}' has no point to draw");
        }
        var x = new ChartAxis(points.Min(p => p.X), points.Max(p => p.X), xLog);
        var y = new ChartAxis(yLog ? points.Min(p => p.Y) : Math.Min(0, points.Min(p => p.Y)), points.Max(p => p.Y), yLog);
        var canvas = Frame(title, xLabel, yLabel, x, y, xTicks: true);
        for (int i = 0; i < series.Count; i++)
        {
            string colour = Palette[i % Palette.Length];
            var drawn = series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!xLog || p.X > 0) && (!yLog || p.Y > 0))
                .Select(p => (X: x.Map(p.X, Left, Width - Right), Y: y.Map(p.Y, Height - Bottom, Top))).ToList();
            canvas.Polyline(drawn, colour, 2, series[i].Dashed ? "6 4" : null);
            if (markers)
            {
                foreach (var (px, py) in drawn)
                {
                    canvas.Circle(px, py, 3, colour);
                }
            }
            Legend(canvas, i, series[i].Name, colour, series[i].Dashed);
        }
        return canvas.ToString();
    }

    /// <summary>Cumulative distributions: for each series, the fraction of its values at or below each x.</summary>
    public static string Cdf(string title, string xLabel, IReadOnlyList<(string Name, IReadOnlyList<double> Values, bool Dashed)> series, bool xLog, int maxPoints = 200)
    {
        var lines = series.Select(s => new ChartSeries(s.Name, CdfPoints(s.Values, maxPoints), s.Dashed)).ToList();
        return Lines(title, xLabel, "fraction at or below", lines, xLog, yLog: false, markers: false);
    }

    /// <summary>The step points of one empirical CDF, thinned to at most <paramref name="maxPoints"/> evenly spaced ranks
    /// (the first and last always kept).</summary>
    public static IReadOnlyList<(double X, double Y)> CdfPoints(IReadOnlyList<double> values, int maxPoints = 200)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return [];
        }
        int step = Math.Max(1, (int)Math.Ceiling(sorted.Length / (double)maxPoints));
        var points = new List<(double, double)>();
        for (int i = 0; i < sorted.Length; i += step)
        {
            points.Add((sorted[i], (i + 1) / (double)sorted.Length));
        }
        if (points[^1].Item1 != sorted[^1] || points[^1].Item2 != 1)
        {
            points.Add((sorted[^1], 1));
        }
        return points;
    }

    /// <summary>Grouped bars: one group per label, one bar per series in each; NaN values are left out.</summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<string> seriesNames, IReadOnlyList<BarGroup> groups, bool yLog)
    {
        var values = groups.SelectMany(g => g.Values).Where(v => double.IsFinite(v) && (!yLog || v > 0)).ToList();
        if (values.Count == 0)
        {
            throw new ArgumentException($"chart '{title}' has no bar to draw");
        }
        var y = new ChartAxis(yLog ? values.Min() : 0, values.Max(), yLog);
        var x = new ChartAxis(0, 1, log: false);
        var canvas = Frame(title, "", yLabel, x, y, xTicks: false);
        double plot = Width - Right - Left, slot = plot / groups.Count, bar = slot * 0.8 / Math.Max(1, seriesNames.Count);
        double floor = Height - Bottom;
        for (int g = 0; g < groups.Count; g++)
        {
            double start = Left + g * slot + slot * 0.1;
            for (int s = 0; s < groups[g].Values.Count && s < seriesNames.Count; s++)
            {
                double v = groups[g].Values[s];
                if (!double.IsFinite(v) || (yLog && v <= 0))
                {
                    continue;
                }
                double top = y.Map(v, floor, Top);
                canvas.Rect(start + s * bar, top, bar * 0.92, floor - top, Palette[s % Palette.Length], $"{seriesNames[s]}: {ChartAxis.Label(v)}");
            }
            canvas.Text(Left + g * slot + slot / 2, floor + 18, groups[g].Label, "middle", 11);
        }
        for (int s = 0; s < seriesNames.Count; s++)
        {
            Legend(canvas, s, seriesNames[s], Palette[s % Palette.Length], dashed: false);
        }
        return canvas.ToString();
    }

    private static SvgCanvas Frame(string title, string xLabel, string yLabel, ChartAxis x, ChartAxis y, bool xTicks)
    {
        var canvas = new SvgCanvas(Width, Height);
        double floor = Height - Bottom, right = Width - Right;
        canvas.Text(Width / 2, 24, title, "middle", 15, weight: "bold");
        foreach (double t in y.Ticks)
        {
            double py = y.Map(t, floor, Top);
            canvas.Line(Left, py, right, py, "#dddddd");
            canvas.Text(Left - 6, py + 4, ChartAxis.Label(t), "end", 11);
        }
        if (xTicks)
        {
            foreach (double t in x.Ticks)
            {
                double px = x.Map(t, Left, right);
                canvas.Line(px, Top, px, floor, "#eeeeee");
                canvas.Text(px, floor + 16, ChartAxis.Label(t), "middle", 11);
            }
        }
        canvas.Line(Left, floor, right, floor, "#333333");
        canvas.Line(Left, Top, Left, floor, "#333333");
        canvas.Text((Left + right) / 2, Height - 18, xLabel + (xTicks && x.Log ? " (log scale)" : ""), "middle", 12);
        canvas.Text(18, (Top + floor) / 2, yLabel + (y.Log ? " (log scale)" : ""), "middle", 12, rotate: -90);
        return canvas;
    }

    private static void Legend(SvgCanvas canvas, int index, string name, string colour, bool dashed)
    {
        double lx = Width - Right + 14, ly = Top + 8 + index * 20;
        canvas.Line(lx, ly, lx + 22, ly, colour, 3, dashed ? "6 4" : null);
        canvas.Text(lx + 28, ly + 4, name, "start", 11);
    }
}
