using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The server's tools capability.</summary>
public sealed class ToolsCapability
{
    /// <summary>The server notifies when its tools change.</summary>
    [JsonPropertyName("listChanged")]
    public bool? ListChanged { get; init; }
}
