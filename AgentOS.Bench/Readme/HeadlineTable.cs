using System.Globalization;
using System.Text;
using AgentOS.Bench.Harness;

namespace AgentOS.Bench.Readme;

/// <summary>
/// Writes the README's "Measured" table from one bench run: a line naming the run (commit, date, machine), then every
/// headline row. A row whose benchmark the run lacks says so in its cell; if the entries came from more than one run (a
/// filtered run merged into the file), each run is listed and every row names the runs it read.
/// </summary>
public static class HeadlineTable
{
    /// <summary>How the block's first line starts; the rest of that line is rewritten with the block.</summary>
    public const string BeginPrefix = "<!-- bench-figures:begin";
    public const string Begin = BeginPrefix + ": written by `./build.sh bench readme` from one run's results.json; do not edit by hand -->";
    public const string End = "<!-- bench-figures:end -->";

    /// <summary>The table, and the rows that could not be filled (each with what was missing).</summary>
    public static (string Markdown, IReadOnlyList<string> Missing) Render(BenchReport report)
    {
        var figures = new BenchFigures(report);
        var missing = new List<string>();
        var rows = new List<(HeadlineRow Row, string Measured, string Baseline, BenchResult[] Used)>();
        foreach (var row in HeadlineRows.All)
        {
            var usedBefore = figures.Used.ToHashSet();
            string measured = Cell(() => row.Measured(figures), row, missing);
            string baseline = Cell(() => row.Baseline(figures), row, missing);
            rows.Add((row, measured, baseline, [.. figures.Used.Where(r => !usedBefore.Contains(r))]));
        }

        var runs = rows.SelectMany(r => r.Used).Select(RunOf).Distinct().OrderBy(r => r.Date, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(Begin).Append('\n');
        text.Append(Provenance(report, runs)).Append("\n\n");
        text.Append("| what | AgentOS | baseline in the same run | bar |\n|---|---|---|---|\n");
        foreach (var (row, measured, baseline, used) in rows)
        {
            string marks = runs.Count > 1
                ? " " + string.Join("", used.Select(RunOf).Distinct().Select(r => $"[{runs.IndexOf(r) + 1}]").Order(StringComparer.Ordinal))
                : "";
            text.Append($"| {row.What}{marks} | {measured} | {baseline} | {row.Bar} |\n");
        }
        text.Append(End);
        return (text.ToString(), missing);
    }

    private static string Cell(Func<string> figure, HeadlineRow row, List<string> missing)
    {
        try
        {
            return figure();
        }
        catch (MissingFigureException absent)
        {
            if (!missing.Contains($"{row.What}: {absent.Message}"))
            {
                missing.Add($"{row.What}: {absent.Message}");
            }
            return $"not measured in this run ({absent.Message})";
        }
    }

    private sealed record Run(string Commit, string Date, bool Quick);

    private static Run RunOf(BenchResult result) => new(result.Commit ?? "unknown", result.Date ?? "unknown", result.Quick ?? false);

    private static string Provenance(BenchReport report, List<Run> runs)
    {
        var machine = report.Context.Machine;
        string where = $"{machine.Processor}, {machine.Cores} cores, {machine.Os}; {report.Context.Dotnet}";
        if (runs.Count == 1)
        {
            return $"From one run of `./build.sh bench`: {Describe(runs[0])}; {where}. Each ratio is the baseline's median ÷ " +
                   "AgentOS's from that run (above 1: AgentOS is faster).";
        }
        var listed = runs.Select((r, i) => $"[{i + 1}] {Describe(r)}");
        return $"From {runs.Count} runs of `./build.sh bench` (each row names its runs): {string.Join("; ", listed)}; {where}. " +
               "Each ratio is the baseline's median ÷ AgentOS's from the same run.";
    }

    private static string Describe(Run run)
    {
        string date = DateTimeOffset.TryParse(run.Date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : run.Date;
        string commit = run.Commit.Length >= 40 ? run.Commit[..12] + run.Commit[40..] : run.Commit;
        return $"commit `{commit}`, {date}{(run.Quick ? ", a QUICK run (sizes and runs shrunk: not figures to quote)" : "")}";
    }
}
