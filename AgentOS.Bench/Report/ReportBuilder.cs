using System.Globalization;

namespace AgentOS.Bench.Report;

/// <summary>
/// What one report run has measured so far: the results.json document, and the README's sections in order, each with
/// its prose, figures and charts. Sections add to it; <see cref="MarkdownReport"/> and the command write it out.
/// </summary>
internal sealed class ReportBuilder(string outputDirectory, ReportDocument document, ReportSize size)
{
    private readonly List<ReportSection> _sections = [];

    public ReportDocument Document { get; } = document;

    public ReportSize Size { get; } = size;

    public string OutputDirectory { get; } = outputDirectory;

    /// <summary>What ran, and what did not with why: the README states both.</summary>
    public List<string> Ran { get; } = [];

    public List<(string What, string Why)> NotRun { get; } = [];

    public IReadOnlyList<ReportSection> Sections => _sections;

    /// <summary>Every bench result measured so far in this run, by name.</summary>
    public Dictionary<string, Harness.BenchResult> BenchResults { get; } = new(StringComparer.Ordinal);

    private ReportSection Current => _sections.Count > 0 ? _sections[^1] : throw new InvalidOperationException("begin a section first");

    public void Begin(string title, string intro)
    {
        _sections.Add(new ReportSection(title, intro));
        Console.WriteLine();
        Console.WriteLine($"== {title}");
    }

    public void Note(string markdown) => Current.Notes.Add(markdown);

    public void Figure(string id, string title, double value, string unit, string? baselineName = null, double? baselineValue = null, bool lowerIsBetter = true, bool headline = false)
    {
        double? ratio = baselineValue is { } b && b > 0 && value > 0 ? (lowerIsBetter ? b / value : value / b) : null;
        var figure = new ReportFigure { Id = id, Title = title, Value = value, Unit = unit, BaselineName = baselineName, BaselineValue = baselineValue, Ratio = ratio, Headline = headline };
        Document.Figures.Add(figure);
        Current.Figures.Add(figure);
        Console.WriteLine($"  {id}: {Format(value)} {unit}" + (baselineName is null ? "" : $" (baseline {baselineName}: {(baselineValue is { } v ? Format(v) : "not run")}{(ratio is { } r ? $", ratio {r.ToString("0.00", CultureInfo.InvariantCulture)}" : "")})"));
    }

    public void Chart(string name, string title, string svg)
    {
        string file = $"charts/{name}.svg";
        Directory.CreateDirectory(Path.Combine(OutputDirectory, "charts"));
        File.WriteAllText(Path.Combine(OutputDirectory, file), svg);
        Document.Charts.Add(new ReportChart { File = file, Title = title });
        Current.Charts.Add((file, title));
    }

    public void Skipped(string what, string why)
    {
        NotRun.Add((what, why));
        Current.Notes.Add($"Not run: {what} — {why}.");
        Console.WriteLine($"  not run: {what}: {why}");
    }

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 or <= -100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 or <= -1 => value.ToString("0.00", CultureInfo.InvariantCulture),
        0 => "0",
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };
}

/// <summary>One README section: its prose, its figures (each beside its baseline) and its charts.</summary>
internal sealed record ReportSection(string Title, string Intro)
{
    public List<string> Notes { get; } = [];
    public List<ReportFigure> Figures { get; } = [];
    public List<(string File, string Title)> Charts { get; } = [];
}

/// <summary>How big the run is: full, <c>--quick</c> (CI, a few minutes on two cores) or <c>--tiny</c> (the tests).</summary>
internal enum ReportSize
{
    Full,
    Quick,
    Tiny,
}
