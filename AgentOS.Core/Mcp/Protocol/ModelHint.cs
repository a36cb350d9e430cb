using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A model name or family.</summary>
public sealed class ModelHint
{
    /// <summary>A (sub)string of a model name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
