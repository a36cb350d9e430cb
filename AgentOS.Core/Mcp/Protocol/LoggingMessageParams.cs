using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>notifications/message</c>: one log message.</summary>
public sealed class LoggingMessageParams
{
    /// <summary>Its severity (see <see cref="McpLogLevels"/>).</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }

    /// <summary>Which logger wrote it.</summary>
    [JsonPropertyName("logger")]
    public string? Logger { get; init; }

    /// <summary>The message: any JSON value.</summary>
    [JsonPropertyName("data")]
    public required JsonElement Data { get; init; }
}
