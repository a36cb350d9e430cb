using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The client's roots capability.</summary>
public sealed class RootsCapability
{
    /// <summary>The client notifies when its roots change.</summary>
    [JsonPropertyName("listChanged")]
    public bool? ListChanged { get; init; }
}
