using System.Globalization;
using System.Text;

namespace AgentOS.Bench.Report;

/// <summary>docs/report/README.md: the run's context, what ran and what did not, then each section's prose, its figures
/// beside their baselines and its charts, the targets, and the optimisation opportunities.</summary>
internal static class MarkdownReport
{
    public static string Render(ReportBuilder b)
    {
        var d = b.Document;
        var md = new StringBuilder();
        md.AppendLine("# AgentOS comparison report").AppendLine();
        md.AppendLine($"Written by `./build.sh report{(b.Size == ReportSize.Quick ? " --quick" : b.Size == ReportSize.Tiny ? " (tiny test form)" : "")}`: every figure below was measured by the run that wrote this page. "
            + "Machine-readable: [results.json](results.json).").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine($"| machine | {d.Machine} |");
        md.AppendLine($"| .NET | {d.Dotnet} |");
        md.AppendLine($"| commit | `{d.Commit}` |");
        md.AppendLine($"| date (UTC) | {d.Date} |");
        md.AppendLine($"| size | {(b.Size == ReportSize.Full ? "full" : b.Size == ReportSize.Quick ? "quick (smaller sizes, fewer runs)" : "tiny")} |").AppendLine();

        md.AppendLine("## What was and was not run").AppendLine();
        md.AppendLine("- **AIOS was not run**: its scheduler cannot be installed here (its Python dependencies come from PyPI, which is not reachable). Its row is the "
            + "loop MODEL from the bench's scheduling.quality (a 1.0 s sleep plus a 0.1 s queue poll per batch: about 1.1 s per LLM syscall, measured on AIOS's own "
            + "code at commit 2155966 with a zero-latency model, median 1,103 ms for one agent), always labelled as a model.");
        md.AppendLine("- **No kernel** in the scheduling CDFs is a model too (processor sharing); the real no-kernel peers are LangGraph.js and the OpenAI Agents SDK "
            + "in the peers section, run by this same report against one local LLM server.");
        if (b.Ran.Count > 0)
        {
            md.AppendLine($"- Ran: {string.Join(", ", b.Ran.Distinct().Select(r => $"`{r}`"))}.");
        }
        foreach (var (what, why) in b.NotRun)
        {
            md.AppendLine($"- Not run: {what} — {why}.");
        }
        md.AppendLine();

        var headlines = d.Figures.Where(f => f.Headline).ToList();
        if (headlines.Count > 0)
        {
            md.AppendLine("## Headline figures").AppendLine();
            FigureTable(md, headlines);
        }
        if (d.Targets.Count > 0)
        {
            md.AppendLine("## Targets through AgentOS").AppendLine();
            md.AppendLine("| target | met | figures |").AppendLine("|---|---|---|");
            foreach (var t in d.Targets)
            {
                md.AppendLine($"| {t.Name} | {(t.Met ? "yes" : "**no**")} | {Cell(t.Detail)} |");
            }
            md.AppendLine();
        }
        foreach (var section in b.Sections)
        {
            md.AppendLine($"## {section.Title}").AppendLine();
            md.AppendLine(section.Intro).AppendLine();
            if (section.Figures.Count > 0)
            {
                FigureTable(md, section.Figures);
            }
            foreach (var note in section.Notes)
            {
                md.AppendLine(note).AppendLine();
            }
            foreach (var (file, title) in section.Charts)
            {
                md.AppendLine($"![{title}]({file})").AppendLine();
            }
        }
        return md.ToString();
    }

    private static void FigureTable(StringBuilder md, IEnumerable<ReportFigure> figures)
    {
        md.AppendLine("| figure | AgentOS | baseline | ratio (above 1: AgentOS better) |").AppendLine("|---|---:|---|---:|");
        foreach (var f in figures)
        {
            string baseline = f.BaselineName is null ? "—" : $"{Cell(f.BaselineName)}: {(f.BaselineValue is { } v ? ReportBuilder.Format(v) + " " + f.Unit : "not run")}";
            string ratio = f.Ratio is { } r ? r.ToString(r >= 100 ? "N0" : "0.00", CultureInfo.InvariantCulture) + "x" : "—";
            md.AppendLine($"| {Cell(f.Title)} (`{f.Id}`) | {ReportBuilder.Format(f.Value)} {f.Unit} | {baseline} | {ratio} |");
        }
        md.AppendLine();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
