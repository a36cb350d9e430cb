using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>roots/list</c>.</summary>
public sealed class ListRootsResult
{
    /// <summary>The client's roots.</summary>
    [JsonPropertyName("roots")]
    public required IReadOnlyList<Root> Roots { get; init; }
}
