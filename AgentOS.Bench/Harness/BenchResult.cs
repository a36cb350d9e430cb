using System.Text.Json.Serialization;

namespace AgentOS.Bench.Harness;

/// <summary>One benchmark's line in <c>artifacts/bench/results.json</c>. Times are nanoseconds.</summary>
public sealed class BenchResult
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("unit")] public required string Unit { get; init; }
    [JsonPropertyName("min")] public double Min { get; init; }
    [JsonPropertyName("median")] public double Median { get; init; }
    [JsonPropertyName("p99")] public double P99 { get; init; }
    [JsonPropertyName("max")] public double Max { get; init; }
    [JsonPropertyName("ops_per_sec")] public double OpsPerSec { get; init; }
    [JsonPropertyName("bytes_per_op")] public double BytesPerOp { get; init; }
    [JsonPropertyName("runs")] public int Runs { get; init; }

    /// <summary>The first compared benchmark, and its median time ÷ this one's (above 1: this one is faster).</summary>
    [JsonPropertyName("baseline")] public string? Baseline { get; set; }
    [JsonPropertyName("ratio")] public double? Ratio { get; set; }

    /// <summary>Other figures the benchmark reported (see <see cref="BenchRun.Report"/>).</summary>
    [JsonPropertyName("metrics")] public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>Every comparison this benchmark declared, by baseline name.</summary>
    [JsonPropertyName("ratios")] public Dictionary<string, double>? Ratios { get; set; }

    /// <summary>The run that measured this result: its commit, its UTC date and whether it was quick. A filtered run
    /// keeps the other entries as they were, so each entry says where it came from (absent in older files).</summary>
    [JsonPropertyName("commit")] public string? Commit { get; set; }
    [JsonPropertyName("date")] public string? Date { get; set; }
    [JsonPropertyName("quick")] public bool? Quick { get; set; }
}

/// <summary>The machine, and the last run that wrote the file (each result carries its own run's commit and date).</summary>
public sealed class BenchContext
{
    [JsonPropertyName("machine")] public required BenchMachine Machine { get; init; }
    [JsonPropertyName("dotnet")] public required string Dotnet { get; init; }
    [JsonPropertyName("commit")] public required string Commit { get; init; }
    [JsonPropertyName("date")] public required string Date { get; init; }
    [JsonPropertyName("quick")] public bool Quick { get; init; }
}

public sealed class BenchMachine
{
    [JsonPropertyName("processor")] public required string Processor { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
    [JsonPropertyName("os")] public required string Os { get; init; }
}

public sealed class BenchReport
{
    [JsonPropertyName("context")] public required BenchContext Context { get; init; }
    [JsonPropertyName("results")] public required List<BenchResult> Results { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
