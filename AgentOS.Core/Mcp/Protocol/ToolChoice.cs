using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>How a sampling request lets the model use its tools.</summary>
public sealed class ToolChoice
{
    /// <summary><c>auto</c> (the default), <c>required</c> or <c>none</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }
}
