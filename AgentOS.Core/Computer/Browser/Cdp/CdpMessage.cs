using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Computer.Browser.Cdp;

/// <summary>
/// One message from the browser: an answer (<see cref="Id"/> with <see cref="Result"/> or <see cref="Error"/>) or an
/// event (<see cref="Method"/> with <see cref="Params"/>); <see cref="SessionId"/> names the flat session. The
/// protocol is camelCase, so names are spelled out rather than left to the context's snake_case policy.
/// </summary>
internal sealed class CdpMessage
{
    [JsonPropertyName("id")]
    public long? Id { get; set; }

    [JsonPropertyName("method")]
    public string? Method { get; set; }

    [JsonPropertyName("params")]
    public JsonElement? Params { get; set; }

    [JsonPropertyName("result")]
    public JsonElement? Result { get; set; }

    [JsonPropertyName("error")]
    public CdpError? Error { get; set; }

    [JsonPropertyName("sessionId")]
    public string? SessionId { get; set; }
}

/// <summary>The error of an answer.</summary>
internal sealed class CdpError
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";

    [JsonPropertyName("data")]
    public string? Data { get; set; }
}
