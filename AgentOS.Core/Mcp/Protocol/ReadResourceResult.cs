using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>resources/read</c>.</summary>
public sealed class ReadResourceResult
{
    /// <summary>The resource's contents (several for a folder-like resource).</summary>
    [JsonPropertyName("contents")]
    public required IReadOnlyList<ResourceContents> Contents { get; init; }
}
