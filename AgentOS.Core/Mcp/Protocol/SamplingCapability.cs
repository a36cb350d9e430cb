using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The client's sampling capability.</summary>
public sealed class SamplingCapability
{
    /// <summary>The client honours <c>includeContext</c> other than <c>none</c>.</summary>
    [JsonPropertyName("context")]
    public McpEmpty? Context { get; init; }

    /// <summary>The client accepts tools in a sampling request.</summary>
    [JsonPropertyName("tools")]
    public McpEmpty? Tools { get; init; }
}
