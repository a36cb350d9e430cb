using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>resources/read</c>, <c>resources/subscribe</c> and <c>resources/unsubscribe</c>: one URI.</summary>
public sealed class ResourceRequestParams
{
    /// <summary>The resource's URI.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>Request metadata.</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
