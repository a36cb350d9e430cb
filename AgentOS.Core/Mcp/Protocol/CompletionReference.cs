using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>What a completion is for: <c>ref/prompt</c> (by <see cref="Name"/>) or <c>ref/resource</c> (by <see cref="Uri"/> template).</summary>
public sealed class CompletionReference
{
    /// <summary><c>ref/prompt</c> or <c>ref/resource</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The prompt's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The resource template's URI template.</summary>
    [JsonPropertyName("uri")]
    public string? Uri { get; init; }
}
