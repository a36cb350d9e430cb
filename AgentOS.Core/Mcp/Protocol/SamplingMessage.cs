using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>One message of a sampling conversation: one content block, or several (a model's text and tool uses; a
/// user turn of tool results), written as the spec does — an object for one block, an array for more.</summary>
public sealed class SamplingMessage
{
    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>Its content.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentBlocksConverter))]
    public required IReadOnlyList<ContentBlock> Content { get; init; }
}
