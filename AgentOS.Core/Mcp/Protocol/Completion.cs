using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Completion suggestions.</summary>
public sealed class Completion
{
    /// <summary>At most 100 suggestions.</summary>
    [JsonPropertyName("values")]
    public required IReadOnlyList<string> Values { get; init; }

    /// <summary>How many there are in all.</summary>
    [JsonPropertyName("total")]
    public int? Total { get; init; }

    /// <summary>Whether there are more than these.</summary>
    [JsonPropertyName("hasMore")]
    public bool? HasMore { get; init; }
}
