using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A tool as a client sees it.</summary>
public sealed class Tool
{
    /// <summary>Its name, unique on the server.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What it does, for the model.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The JSON schema of its arguments (an object schema).</summary>
    [JsonPropertyName("inputSchema")]
    public required JsonElement InputSchema { get; init; }

    /// <summary>The JSON schema of its <c>structuredContent</c>.</summary>
    [JsonPropertyName("outputSchema")]
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Hints about its behaviour.</summary>
    [JsonPropertyName("annotations")]
    public ToolAnnotations? Annotations { get; init; }

    /// <summary>Icons a client may show.</summary>
    [JsonPropertyName("icons")]
    public IReadOnlyList<Icon>? Icons { get; init; }

    /// <summary>Metadata.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}
