using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Hints on content and resources: who it is for and how much it matters.</summary>
public sealed class Annotations
{
    /// <summary><c>user</c> and/or <c>assistant</c>.</summary>
    [JsonPropertyName("audience")]
    public IReadOnlyList<string>? Audience { get; init; }

    /// <summary>0 (optional) to 1 (required).</summary>
    [JsonPropertyName("priority")]
    public double? Priority { get; init; }

    /// <summary>ISO 8601 time of the last change.</summary>
    [JsonPropertyName("lastModified")]
    public string? LastModified { get; init; }
}
