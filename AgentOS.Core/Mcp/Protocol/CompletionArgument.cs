using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The argument being completed.</summary>
public sealed class CompletionArgument
{
    /// <summary>Its name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>What has been typed so far.</summary>
    [JsonPropertyName("value")]
    public required string Value { get; init; }
}
