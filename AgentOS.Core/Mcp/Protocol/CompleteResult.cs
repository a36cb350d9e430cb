using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>completion/complete</c>.</summary>
public sealed class CompleteResult
{
    /// <summary>The suggestions.</summary>
    [JsonPropertyName("completion")]
    public required Completion Completion { get; init; }
}
