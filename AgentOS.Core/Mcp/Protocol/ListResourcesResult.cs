using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>resources/list</c>.</summary>
public sealed class ListResourcesResult
{
    /// <summary>One page of resources.</summary>
    [JsonPropertyName("resources")]
    public required IReadOnlyList<Resource> Resources { get; init; }

    /// <summary>Where the next page starts, when there is one.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}
