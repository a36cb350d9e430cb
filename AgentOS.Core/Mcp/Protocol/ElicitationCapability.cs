using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The client's elicitation capability. An empty object (the 2025-06-18 form) means form mode.</summary>
public sealed class ElicitationCapability
{
    /// <summary>The client fills forms described by a JSON schema.</summary>
    [JsonPropertyName("form")]
    public McpEmpty? Form { get; init; }

    /// <summary>The client opens URLs for out-of-band interaction.</summary>
    [JsonPropertyName("url")]
    public McpEmpty? Url { get; init; }
}
