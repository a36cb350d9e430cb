using System.Text.Json.Serialization;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>notifications/progress</c>.</summary>
public sealed class ProgressParams
{
    /// <summary>The token from the request's <c>_meta</c>.</summary>
    [JsonPropertyName("progressToken")]
    public required JsonRpcId ProgressToken { get; init; }

    /// <summary>Progress so far; increases with each notification.</summary>
    [JsonPropertyName("progress")]
    public required double Progress { get; init; }

    /// <summary>The total, when known.</summary>
    [JsonPropertyName("total")]
    public double? Total { get; init; }

    /// <summary>What is happening.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }
}
