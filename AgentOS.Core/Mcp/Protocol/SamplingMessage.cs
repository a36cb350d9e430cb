using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>One message of a sampling conversation (one content block; tool use inside sampling is not used by AgentOS).</summary>
public sealed class SamplingMessage
{
    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>Its content.</summary>
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}
