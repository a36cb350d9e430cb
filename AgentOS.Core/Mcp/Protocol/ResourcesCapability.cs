using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The server's resources capability.</summary>
public sealed class ResourcesCapability
{
    /// <summary>Clients may subscribe to a resource's updates.</summary>
    [JsonPropertyName("subscribe")]
    public bool? Subscribe { get; init; }

    /// <summary>The server notifies when its resource list changes.</summary>
    [JsonPropertyName("listChanged")]
    public bool? ListChanged { get; init; }
}
