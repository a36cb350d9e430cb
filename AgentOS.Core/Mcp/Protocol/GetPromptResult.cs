using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>prompts/get</c>.</summary>
public sealed class GetPromptResult
{
    /// <summary>What the prompt is for.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The prompt's messages.</summary>
    [JsonPropertyName("messages")]
    public required IReadOnlyList<PromptMessage> Messages { get; init; }
}
