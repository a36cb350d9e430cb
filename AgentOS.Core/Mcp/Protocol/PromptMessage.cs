using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>One message of a prompt.</summary>
public sealed class PromptMessage
{
    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>Its content.</summary>
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}
