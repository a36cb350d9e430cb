using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A family of resources named by an RFC 6570 URI template.</summary>
public sealed class ResourceTemplate
{
    /// <summary>The URI template.</summary>
    [JsonPropertyName("uriTemplate")]
    public required string UriTemplate { get; init; }

    /// <summary>A programmatic name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What its resources hold.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Their media type, when all share one.</summary>
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    /// <summary>Hints.</summary>
    [JsonPropertyName("annotations")]
    public Annotations? Annotations { get; init; }
}
