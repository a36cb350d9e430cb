using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A resource's contents: <see cref="Text"/> or base64 <see cref="Blob"/>.</summary>
public sealed class ResourceContents
{
    /// <summary>The resource's URI.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>Its media type.</summary>
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    /// <summary>Its text, for a text resource.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>Its bytes base64, for a binary resource.</summary>
    [JsonPropertyName("blob")]
    public string? Blob { get; init; }

    /// <summary>Metadata.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}
