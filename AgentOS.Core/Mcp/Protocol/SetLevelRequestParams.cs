using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>logging/setLevel</c>.</summary>
public sealed class SetLevelRequestParams
{
    /// <summary>The least severe level the client wants (see <see cref="McpLogLevels"/>).</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }
}
