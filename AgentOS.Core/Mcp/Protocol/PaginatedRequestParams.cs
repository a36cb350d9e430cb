using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of a list request (<c>tools/list</c>, <c>resources/list</c>, ...).</summary>
public sealed class PaginatedRequestParams
{
    /// <summary>Where the previous page ended (its <c>nextCursor</c>).</summary>
    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }

    /// <summary>Request metadata.</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
