using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Which model a server would like for sampling (advisory).</summary>
public sealed class ModelPreferences
{
    /// <summary>Model names or families, in order of preference.</summary>
    [JsonPropertyName("hints")]
    public IReadOnlyList<ModelHint>? Hints { get; init; }

    /// <summary>0 to 1: how much cost matters.</summary>
    [JsonPropertyName("costPriority")]
    public double? CostPriority { get; init; }

    /// <summary>0 to 1: how much speed matters.</summary>
    [JsonPropertyName("speedPriority")]
    public double? SpeedPriority { get; init; }

    /// <summary>0 to 1: how much capability matters.</summary>
    [JsonPropertyName("intelligencePriority")]
    public double? IntelligencePriority { get; init; }
}
