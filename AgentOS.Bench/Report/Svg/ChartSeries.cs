namespace AgentOS.Bench.Report.Svg;

/// <summary>One named line of a chart: its points (x, y) in data units; <paramref name="Dashed"/> marks a model or a
/// reference rather than a measurement.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

/// <summary>One group of bars (one label on the x axis), a value per series; NaN where a series has none.</summary>
public sealed record BarGroup(string Label, IReadOnlyList<double> Values);
