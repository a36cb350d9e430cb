using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>resources/templates/list</c>.</summary>
public sealed class ListResourceTemplatesResult
{
    /// <summary>One page of templates.</summary>
    [JsonPropertyName("resourceTemplates")]
    public required IReadOnlyList<ResourceTemplate> ResourceTemplates { get; init; }

    /// <summary>Where the next page starts, when there is one.</summary>
    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}
