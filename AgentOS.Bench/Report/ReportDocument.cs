using System.Text.Json.Serialization;

namespace AgentOS.Bench.Report;

/// <summary>
/// docs/report/results.json. Its shape is a contract (the paper helper reads it): keep the names and types exactly;
/// optional fields are left out when absent, never written as null.
/// </summary>
public sealed class ReportDocument
{
    [JsonPropertyName("commit")] public required string Commit { get; init; }
    [JsonPropertyName("date")] public required string Date { get; init; }
    [JsonPropertyName("machine")] public required string Machine { get; init; }
    [JsonPropertyName("dotnet")] public required string Dotnet { get; init; }
    [JsonPropertyName("quick")] public bool Quick { get; init; }
    [JsonPropertyName("figures")] public List<ReportFigure> Figures { get; init; } = [];
    [JsonPropertyName("peers")] public List<ReportPeer> Peers { get; init; } = [];
    [JsonPropertyName("targets")] public List<ReportTarget> Targets { get; init; } = [];
    [JsonPropertyName("charts")] public List<ReportChart> Charts { get; init; } = [];
    [JsonPropertyName("opportunities")] public List<ReportOpportunity> Opportunities { get; init; } = [];
}

/// <summary>One measured figure, beside its baseline where it has one (ratio = baseline ÷ value for times, value ÷
/// baseline for rates, so above 1 always means AgentOS does better).</summary>
public sealed class ReportFigure
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("value")] public double Value { get; init; }
    [JsonPropertyName("unit")] public required string Unit { get; init; }
    [JsonPropertyName("baseline_name")] public string? BaselineName { get; init; }
    [JsonPropertyName("baseline_value")] public double? BaselineValue { get; init; }
    [JsonPropertyName("ratio")] public double? Ratio { get; init; }
    [JsonPropertyName("headline")] public bool Headline { get; init; }
}

/// <summary>One peer's row: a framework (or AgentOS's own SDK) in one mode, on the shared local LLM server.</summary>
public sealed class ReportPeer
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("completed")] public int Completed { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }
    [JsonPropertyName("mean_s")] public double MeanSeconds { get; init; }
    [JsonPropertyName("p99_s")] public double P99Seconds { get; init; }
    [JsonPropertyName("makespan_s")] public double MakespanSeconds { get; init; }
    [JsonPropertyName("goodput_per_s")] public double GoodputPerSecond { get; init; }
    [JsonPropertyName("not_run_reason")] public string? NotRunReason { get; init; }
}

public sealed class ReportTarget
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("met")] public bool Met { get; init; }
    [JsonPropertyName("detail")] public required string Detail { get; init; }
}

public sealed class ReportChart
{
    [JsonPropertyName("file")] public required string File { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
}

public sealed class ReportOpportunity
{
    [JsonPropertyName("rank")] public int Rank { get; init; }
    [JsonPropertyName("where")] public required string Where { get; init; }
    [JsonPropertyName("cost")] public required string Cost { get; init; }
    [JsonPropertyName("saving")] public required string Saving { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReportDocument))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
