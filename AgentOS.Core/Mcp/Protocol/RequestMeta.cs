using System.Text.Json.Serialization;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Mcp.Protocol;

/// <summary>A request's <c>_meta</c>: the progress token under which the requester wants progress notifications.</summary>
public sealed class RequestMeta
{
    /// <summary>The token each <c>notifications/progress</c> for this request carries.</summary>
    [JsonPropertyName("progressToken")]
    public JsonRpcId? ProgressToken { get; init; }
}
