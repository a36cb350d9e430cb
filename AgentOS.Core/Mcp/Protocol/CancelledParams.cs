using System.Text.Json.Serialization;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>notifications/cancelled</c>.</summary>
public sealed class CancelledParams
{
    /// <summary>The id of the request to cancel.</summary>
    [JsonPropertyName("requestId")]
    public JsonRpcId? RequestId { get; init; }

    /// <summary>Why.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}
