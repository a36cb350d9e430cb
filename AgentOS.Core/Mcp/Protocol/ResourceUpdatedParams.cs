using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>notifications/resources/updated</c>.</summary>
public sealed class ResourceUpdatedParams
{
    /// <summary>The resource that changed.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }
}
