using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>An icon a client may show beside a server, tool, resource or prompt.</summary>
public sealed class Icon
{
    /// <summary>A URI (https or data) of the image.</summary>
    [JsonPropertyName("src")]
    public required string Src { get; init; }

    /// <summary>The image's media type.</summary>
    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    /// <summary>Sizes such as <c>48x48</c> or <c>any</c>.</summary>
    [JsonPropertyName("sizes")]
    public IReadOnlyList<string>? Sizes { get; init; }
}
