using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A root the client exposes (a folder or other URI).</summary>
public sealed class Root
{
    /// <summary>Its URI (<c>file://</c> for now).</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
