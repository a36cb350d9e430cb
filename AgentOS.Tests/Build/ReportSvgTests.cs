using System.Globalization;
using System.Xml.Linq;
using AgentOS.Bench.Report.Svg;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Build;

/// <summary>The report's own SVG writer: escaped text, exact fragments, log-scale ticks, valid and deterministic output.</summary>
public sealed class ReportSvgTests
{
    [Test]
    public void Text_is_escaped_and_written_exactly()
    {
        Assert.Equal("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\uFFFD", SvgCanvas.Escape("a<b & \"c\" 'd'>\u0001"));

        var canvas = new SvgCanvas(100, 50);
        canvas.Text(10, 20.125, "x<y", "middle", 12);
        canvas.Line(0, -0.001, 5.5, 7, "#333333");
        string svg = canvas.ToString();
        Assert.Contains("<text x=\"10\" y=\"20.13\" font-size=\"12\" text-anchor=\"middle\">x&lt;y</text>\n", svg);
        // Rounding to two decimals never writes a negative zero.
        Assert.Contains("<line x1=\"0\" y1=\"0\" x2=\"5.5\" y2=\"7\" stroke=\"#333333\" stroke-width=\"1\"/>\n", svg);
        Assert.True(svg.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\" viewBox=\"0 0 100 50\"", StringComparison.Ordinal), svg);
    }

    [Test]
    public void A_log_axis_widens_to_decades_and_puts_each_power_of_ten_at_an_equal_step()
    {
        var axis = new ChartAxis(3, 2000, log: true);
        Assert.SequenceEqual([1.0, 10, 100, 1000, 10000], axis.Ticks);
        Assert.SequenceEqual([0.0, 100, 200, 300, 400], axis.Ticks.Select(t => Math.Round(axis.Map(t, 0, 400), 9)));
        // Pixel ranges may run downwards (a y axis): the low end maps to 'from'.
        Assert.Equal(300.0, Math.Round(axis.Map(10, 400, 0), 9));
        Assert.Equal(Math.Round(100 * Math.Log10(3), 9), Math.Round(axis.Map(3, 0, 400), 9));
        Assert.Throws<ArgumentException>(() => _ = new ChartAxis(0, 10, log: true));
    }

    [Test]
    public void A_linear_axis_picks_steps_of_one_two_or_five()
    {
        Assert.SequenceEqual([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], new ChartAxis(0, 0.93, log: false).Ticks);
        Assert.SequenceEqual([0.0, 5000, 10000, 15000, 20000, 25000], new ChartAxis(0, 23_000, log: false).Ticks);
        Assert.SequenceEqual(["1", "10", "1k", "25k", "1.5M", "0.5"], new[] { 1.0, 10, 1000, 25_000, 1_500_000, 0.5 }.Select(ChartAxis.Label));
    }

    [Test]
    public void Charts_are_valid_xml_deterministic_and_place_log_points_at_equal_steps()
    {
        var series = new[] { new ChartSeries("AgentOS <kernel>", [(1, 5.0), (10, 50), (100, 500)]), new ChartSeries("model & co", [(1, 1.0), (100, 1.0)], Dashed: true) };
        string svg = Charts.Lines("Throughput & \"agents\"", "agents", "syscalls/s", series, xLog: true, yLog: true);
        Assert.Equal(svg, Charts.Lines("Throughput & \"agents\"", "agents", "syscalls/s", series, xLog: true, yLog: true), "the same figures draw the same bytes");

        var root = XDocument.Parse(svg).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", root.Name);
        Assert.Contains("Throughput & \"agents\"", root.Elements(ns + "text").Select(t => t.Value));
        Assert.Contains("AgentOS <kernel>", root.Elements(ns + "text").Select(t => t.Value));
        var line = root.Elements(ns + "polyline").First();
        var xs = line.Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, xs.Length);
        Assert.Near(xs[1] - xs[0], xs[2] - xs[1], 0.02, "1, 10 and 100 sit at equal steps on a log axis");
        Assert.Equal("6 4", root.Elements(ns + "polyline").Last().Attribute("stroke-dasharray")?.Value, "a model's line is dashed");
    }

    [Test]
    public void Bars_leave_out_missing_values_and_cdf_points_end_at_one()
    {
        string svg = Charts.Bars("Round trips", "µs", ["AgentOS", "peer"], [new BarGroup("stdio", [10, double.NaN]), new BarGroup("http", [100, 1000])], yLog: true);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var bars = XDocument.Parse(svg).Root!.Elements(ns + "rect").Where(r => r.Element(ns + "title") is not null).Select(r => r.Element(ns + "title")!.Value).ToList();
        Assert.SequenceEqual(["AgentOS: 10", "AgentOS: 100", "peer: 1k"], bars);

        var cdf = Charts.CdfPoints([3.0, 1, 2, 4], maxPoints: 2);
        Assert.SequenceEqual([(1.0, 0.25), (3.0, 0.75), (4.0, 1.0)], cdf);
    }
}
