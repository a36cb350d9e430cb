using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A resource a client may read.</summary>
public sealed class Resource
{
    /// <summary>Its URI.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>A programmatic name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What it holds.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Its media type.</summary>
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    /// <summary>Its size in bytes, when known.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>Hints.</summary>
    [JsonPropertyName("annotations")]
    public Annotations? Annotations { get; init; }

    /// <summary>Icons a client may show.</summary>
    [JsonPropertyName("icons")]
    public IReadOnlyList<Icon>? Icons { get; init; }
}
