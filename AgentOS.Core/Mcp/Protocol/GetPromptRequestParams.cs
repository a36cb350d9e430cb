using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>prompts/get</c>.</summary>
public sealed class GetPromptRequestParams
{
    /// <summary>The prompt's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Its arguments.</summary>
    [JsonPropertyName("arguments")]
    public Dictionary<string, string>? Arguments { get; init; }

    /// <summary>Request metadata.</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
