using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>prompts/list</c>.</summary>
public sealed class ListPromptsResult
{
    /// <summary>One page of prompts.</summary>
    [JsonPropertyName("prompts")]
    public required IReadOnlyList<Prompt> Prompts { get; init; }

    /// <summary>Where the next page starts, when there is one.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}
