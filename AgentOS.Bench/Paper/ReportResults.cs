using System.Text.Json;

namespace AgentOS.Bench.Paper;

/// <summary>
/// The report's <c>results.json</c> (written by <c>./build.sh report</c>), read as the paper needs it. Read with
/// <see cref="JsonDocument"/> rather than bound to types: the paper depends only on the contract's fields, so a field
/// the report adds later changes nothing here, and a field the contract marks optional may be absent or null.
/// </summary>
internal sealed record ReportResults(
    string Commit,
    string Date,
    string Machine,
    string Dotnet,
    bool Quick,
    IReadOnlyList<ReportFigure> Figures,
    IReadOnlyList<ReportPeer> Peers,
    IReadOnlyList<ReportTarget> Targets,
    IReadOnlyList<ReportChart> Charts,
    IReadOnlyList<ReportOpportunity> Opportunities)
{
    /// <summary>The file name the report writes into its folder.</summary>
    public const string FileName = "results.json";

    /// <summary>Reads <c>results.json</c> from the report's folder; throws <see cref="PaperException"/> saying what to do.</summary>
    public static ReportResults Load(string reportDirectory)
    {
        string path = Path.Combine(reportDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new PaperException(
                $"no report at {path}: the paper's figures come from the report's results.json. Run `./build.sh report` (or `./build.sh report --quick`) first, or name another report folder with --report DIR.");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            return new ReportResults(
                Text(root, "commit"),
                Text(root, "date"),
                ReadMachine(root),
                Text(root, "dotnet"),
                root.TryGetProperty("quick", out var quick) && quick.ValueKind == JsonValueKind.True,
                Array(root, "figures", e => new ReportFigure(
                    OptionalText(e, "id") ?? "", Text(e, "title"), Value(e, "value") ?? Missing("figures[].value"), OptionalText(e, "unit") ?? "",
                    OptionalText(e, "baseline_name"), Value(e, "baseline_value"), Number(e, "ratio"),
                    e.TryGetProperty("headline", out var h) && h.ValueKind == JsonValueKind.True)),
                Array(root, "peers", e => new ReportPeer(
                    Text(e, "name"), Text(e, "mode"), Number(e, "completed"), Number(e, "failed"), Number(e, "mean_s"),
                    Number(e, "p99_s"), Number(e, "makespan_s"), Number(e, "goodput_per_s"), OptionalText(e, "not_run_reason"))),
                Array(root, "targets", e => new ReportTarget(
                    Text(e, "name"), e.TryGetProperty("met", out var m) && m.ValueKind == JsonValueKind.True, Text(e, "detail"))),
                Array(root, "charts", e => new ReportChart(Text(e, "file"), Text(e, "title"))),
                Array(root, "opportunities", e => new ReportOpportunity(
                    Value(e, "rank") ?? Missing("opportunities[].rank"), Value(e, "where") ?? Missing("opportunities[].where"),
                    Value(e, "cost") ?? Missing("opportunities[].cost"), Value(e, "saving") ?? Missing("opportunities[].saving"))));
        }
        catch (JsonException e)
        {
            throw new PaperException($"{path} is not valid JSON ({e.Message}): run `./build.sh report` again to rewrite it.", e);
        }
        catch (PaperException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new PaperException($"{path}: {e.Message}", e);
        }
    }

    // A string as the contract says; the bench's own results.json writes an object (processor, cores, os), taken too.
    private static string ReadMachine(JsonElement root) =>
        root.TryGetProperty("machine", out var machine) && machine.ValueKind == JsonValueKind.Object
            ? string.Join(", ", machine.EnumerateObject().Select(p => p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => $"{p.Value.GetRawText()} {p.Name}",
                _ => null,
            }).OfType<string>())
            : Text(root, "machine");

    private static IReadOnlyList<T> Array<T>(JsonElement root, string name, Func<JsonElement, T> read)
    {
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new PaperException($"the report has no \"{name}\" array: it was written by another version of the report; run `./build.sh report` again.");
        }
        return [.. array.EnumerateArray().Select(read)];
    }

    private static string Text(JsonElement e, string name) =>
        OptionalText(e, name) ?? throw new PaperException($"a required field \"{name}\" is missing: run `./build.sh report` again.");

    private static string? OptionalText(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? p.ValueKind switch
        {
            JsonValueKind.String => p.GetString(),
            JsonValueKind.Null => null,
            _ => p.GetRawText(),
        } : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null;

    // A number or a string, as the report wrote it (cost and saving may be either).
    private static FigureValue? Value(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var p) ? null : p.ValueKind switch
        {
            JsonValueKind.Number => new FigureValue(p.GetDouble(), null),
            JsonValueKind.String => new FigureValue(null, p.GetString()),
            JsonValueKind.Null => null,
            _ => new FigureValue(null, p.GetRawText()),
        };

    private static FigureValue Missing(string field) =>
        throw new PaperException($"a required field \"{field}\" is missing: run `./build.sh report` again.");
}

/// <summary>A value from the report: a number (formatted by <see cref="FigureFormat"/>) or the report's own text.</summary>
internal readonly record struct FigureValue(double? Number, string? Text);

internal sealed record ReportFigure(
    string Id, string Title, FigureValue Value, string Unit, string? BaselineName, FigureValue? BaselineValue, double? Ratio, bool Headline);

internal sealed record ReportPeer(
    string Name, string Mode, double? Completed, double? Failed, double? MeanSeconds, double? P99Seconds, double? MakespanSeconds,
    double? GoodputPerSecond, string? NotRunReason);

internal sealed record ReportTarget(string Name, bool Met, string Detail);

internal sealed record ReportChart(string File, string Title);

internal sealed record ReportOpportunity(FigureValue Rank, FigureValue Where, FigureValue Cost, FigureValue Saving);
