using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Context for a completion.</summary>
public sealed class CompletionContext
{
    /// <summary>Arguments already resolved.</summary>
    [JsonPropertyName("arguments")]
    public Dictionary<string, string>? Arguments { get; init; }
}
