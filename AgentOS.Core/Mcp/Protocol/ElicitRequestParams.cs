using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>elicitation/create</c>: the server asks the client's user.</summary>
public sealed class ElicitRequestParams
{
    /// <summary><c>form</c> (the default) or <c>url</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>What to ask.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>For a form: a flat object schema of primitive properties.</summary>
    [JsonPropertyName("requestedSchema")]
    public JsonElement? RequestedSchema { get; init; }

    /// <summary>For URL mode: where to send the user.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>For URL mode: the elicitation's id.</summary>
    [JsonPropertyName("elicitationId")]
    public string? ElicitationId { get; init; }

    /// <summary>Request metadata.</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
