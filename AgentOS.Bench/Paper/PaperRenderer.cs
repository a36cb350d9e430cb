using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentOS.Bench.Paper;

/// <summary>
/// Fills the paper's HTML template (docs/paper/paper.html) from the report. The template holds the prose; every number
/// comes from the report through a placeholder (<c>{{figures}}</c>, <c>{{headlines}}</c>, ...), so no figure is typed
/// by hand. An unknown placeholder is an error rather than text left in the paper.
/// </summary>
internal static partial class PaperRenderer
{
    [GeneratedRegex(@"\{\{(?<name>[a-z_]+)(?::(?<argument>[^}]+))?\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<h(?<level>[12])[^>]*>(?<title>.*?)</h\k<level>>", RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"<!--.*?-->\s*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    /// <summary>
    /// The filled page. <paramref name="repoRoot"/> resolves <c>{{image:PATH}}</c>; <paramref name="reportDirectory"/> the
    /// charts. The template's comments (notes to its authors) are left out of the page.
    /// </summary>
    public static string Render(string template, ReportResults report, string reportDirectory, string repoRoot) =>
        Placeholder().Replace(Comment().Replace(template, ""), m => m.Groups["name"].Value switch
        {
            "commit" => Encode(report.Commit),
            "date" => Encode(report.Date),
            "machine" => Encode(report.Machine),
            "dotnet" => Encode(report.Dotnet),
            "run_kind" => report.Quick ? "a quick run (<code>--quick</code>: smaller sizes, fewer repetitions)" : "a full run",
            "headlines" => Headlines(report),
            "figures" => Figures(report),
            "peers" => Peers(report),
            "targets" => Targets(report),
            "charts" => Charts(report, reportDirectory),
            "opportunities" => Opportunities(report),
            "image" when m.Groups["argument"].Success => Image(Path.Combine(repoRoot, m.Groups["argument"].Value), m.Groups["argument"].Value),
            _ => throw new PaperException($"the paper's template has an unknown placeholder {m.Value}: use one of commit, date, machine, dotnet, run_kind, headlines, figures, peers, targets, charts, opportunities, image:PATH."),
        });

    /// <summary>The template's title and section titles (its h1 and h2 headings), as a reader sees them.</summary>
    public static IReadOnlyList<string> SectionTitles(string template) =>
        [.. Heading().Matches(template).Select(m => WebUtility.HtmlDecode(Tag().Replace(m.Groups["title"].Value, "")).Trim())];

    /// <summary>The headline figures exactly as the page prints them (value and unit), which the check looks for in the PDF.</summary>
    public static IReadOnlyList<string> HeadlineTexts(ReportResults report) =>
        [.. report.Figures.Where(f => f.Headline).Select(f => FigureFormat.WithUnit(f.Value, f.Unit))];

    private static string Headlines(ReportResults report)
    {
        var headlines = report.Figures.Where(f => f.Headline).ToList();
        if (headlines.Count == 0)
        {
            return "<p>The report marks no figure as a headline; all of them are in the table of section 4.</p>";
        }
        var html = new StringBuilder("<ul class=\"headlines\">\n");
        foreach (var f in headlines)
        {
            html.Append("<li>").Append(Encode(f.Title)).Append(": <strong class=\"figure\">")
                .Append(Encode(FigureFormat.WithUnit(f.Value, f.Unit))).Append("</strong>");
            if (f.BaselineName is not null && f.BaselineValue is { } baseline)
            {
                html.Append(" against ").Append(Encode(f.BaselineName)).Append("'s <span class=\"figure\">")
                    .Append(Encode(FigureFormat.WithUnit(baseline, f.Unit))).Append("</span>");
            }
            if (f.Ratio is { } ratio)
            {
                html.Append(" (<span class=\"figure\">").Append(Encode(FigureFormat.Ratio(ratio))).Append("</span>)");
            }
            html.Append("</li>\n");
        }
        return html.Append("</ul>").ToString();
    }

    private static string Figures(ReportResults report) => Table(
        ["figure", "value", "baseline", "baseline value", "ratio"],
        report.Figures.Select(f => new[]
        {
            Encode(f.Title) + (f.Headline ? " <span class=\"mark\">(headline)</span>" : ""),
            Encode(FigureFormat.WithUnit(f.Value, f.Unit)),
            Encode(f.BaselineName ?? "–"),
            f.BaselineValue is { } b ? Encode(FigureFormat.WithUnit(b, f.Unit)) : "–",
            f.Ratio is { } r ? Encode(FigureFormat.Ratio(r)) : "–",
        }),
        "The report marks no figures.");

    private static string Peers(ReportResults report) => Table(
        ["peer", "mode", "completed", "failed", "mean (s)", "p99 (s)", "makespan (s)", "goodput (calls/s)"],
        report.Peers.Select(p => p.NotRunReason is { } why
            ? new[] { Encode(p.Name), Encode(p.Mode), $"<em>not run: {Encode(why)}</em>", "", "", "", "", "" }
            : [Encode(p.Name), Encode(p.Mode), FigureFormat.Optional(p.Completed), FigureFormat.Optional(p.Failed),
                FigureFormat.Optional(p.MeanSeconds), FigureFormat.Optional(p.P99Seconds), FigureFormat.Optional(p.MakespanSeconds),
                FigureFormat.Optional(p.GoodputPerSecond)]),
        "The report ran no peers.");

    private static string Targets(ReportResults report) => Table(
        ["target", "met", "measured"],
        report.Targets.Select(t => new[] { Encode(t.Name), t.Met ? "met" : "<strong>not met</strong>", Encode(t.Detail) }),
        "The report checked no targets.");

    private static string Opportunities(ReportResults report) => Table(
        ["rank", "where", "cost", "saving"],
        report.Opportunities.Select(o => new[]
        {
            Encode(FigureFormat.Value(o.Rank)), Encode(FigureFormat.Value(o.Where)), Encode(FigureFormat.Value(o.Cost)), Encode(FigureFormat.Value(o.Saving)),
        }),
        "The report measured no opportunities.");

    private static string Charts(ReportResults report, string reportDirectory)
    {
        var html = new StringBuilder();
        int number = 0;
        foreach (var chart in report.Charts)
        {
            number++;
            html.Append("<figure class=\"chart\">").Append(Image(Path.Combine(reportDirectory, chart.File), chart.File))
                .Append("<figcaption>Chart ").Append(number).Append(". ").Append(Encode(chart.Title))
                .Append(" <span class=\"source\">(").Append(Encode(chart.File)).Append(")</span></figcaption></figure>\n");
        }
        return number == 0 ? "<p>The report drew no charts.</p>" : html.ToString();
    }

    // An SVG or PNG embedded in the page, so the HTML stands alone and Chromium prints it without reading other files.
    private static string Image(string path, string name)
    {
        if (!File.Exists(path))
        {
            throw new PaperException($"the paper embeds {name}, which is missing ({path}): run `./build.sh report` again (charts), or restore the file.");
        }
        string type = Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase) ? "image/svg+xml" : "image/png";
        return $"<img src=\"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\" alt=\"{Encode(name)}\">";
    }

    private static string Table(string[] headers, IEnumerable<string[]> rows, string empty)
    {
        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (var h in headers)
        {
            html.Append("<th>").Append(h).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        int count = 0;
        foreach (var row in rows)
        {
            count++;
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(cell).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        return count == 0 ? $"<p>{empty}</p>" : html.Append("</tbody>\n</table>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
