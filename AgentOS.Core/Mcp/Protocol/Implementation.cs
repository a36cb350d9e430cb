using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Who a client or server is (<c>clientInfo</c>, <c>serverInfo</c>).</summary>
public sealed class Implementation
{
    /// <summary>A programmatic name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>Its version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>What it is, for people.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Its home page.</summary>
    [JsonPropertyName("websiteUrl")]
    public string? WebsiteUrl { get; init; }

    /// <summary>Icons a client may show.</summary>
    [JsonPropertyName("icons")]
    public IReadOnlyList<Icon>? Icons { get; init; }
}
