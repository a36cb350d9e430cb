using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>tools/call</c>.</summary>
public sealed class CallToolRequestParams
{
    /// <summary>The tool's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Its arguments (an object).</summary>
    [JsonPropertyName("arguments")]
    public JsonElement? Arguments { get; init; }

    /// <summary>Request metadata (a progress token).</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
