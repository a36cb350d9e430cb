using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>initialize</c>.</summary>
public sealed class InitializeResult
{
    /// <summary>The revision the session speaks (see <see cref="McpProtocolVersions.Negotiate"/>).</summary>
    [JsonPropertyName("protocolVersion")]
    public required string ProtocolVersion { get; init; }

    /// <summary>What the server offers.</summary>
    [JsonPropertyName("capabilities")]
    public required ServerCapabilities Capabilities { get; init; }

    /// <summary>Who the server is.</summary>
    [JsonPropertyName("serverInfo")]
    public required Implementation ServerInfo { get; init; }

    /// <summary>How to use the server, for the client's model.</summary>
    [JsonPropertyName("instructions")]
    public string? Instructions { get; init; }
}
