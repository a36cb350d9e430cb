using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>initialize</c>.</summary>
public sealed class InitializeRequestParams
{
    /// <summary>The newest revision the client speaks.</summary>
    [JsonPropertyName("protocolVersion")]
    public required string ProtocolVersion { get; init; }

    /// <summary>What the client offers.</summary>
    [JsonPropertyName("capabilities")]
    public required ClientCapabilities Capabilities { get; init; }

    /// <summary>Who the client is.</summary>
    [JsonPropertyName("clientInfo")]
    public required Implementation ClientInfo { get; init; }
}
