using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The server's prompts capability.</summary>
public sealed class PromptsCapability
{
    /// <summary>The server notifies when its prompts change.</summary>
    [JsonPropertyName("listChanged")]
    public bool? ListChanged { get; init; }
}
