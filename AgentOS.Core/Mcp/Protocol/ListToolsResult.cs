using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>tools/list</c>.</summary>
public sealed class ListToolsResult
{
    /// <summary>One page of tools.</summary>
    [JsonPropertyName("tools")]
    public required IReadOnlyList<Tool> Tools { get; init; }

    /// <summary>Where the next page starts, when there is one.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}
