using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>sampling/createMessage</c>: the server asks the client's model.</summary>
public sealed class CreateMessageRequestParams
{
    /// <summary>The conversation.</summary>
    [JsonPropertyName("messages")]
    public required IReadOnlyList<SamplingMessage> Messages { get; init; }

    /// <summary>Which model the server would like.</summary>
    [JsonPropertyName("modelPreferences")]
    public ModelPreferences? ModelPreferences { get; init; }

    /// <summary>A system prompt.</summary>
    [JsonPropertyName("systemPrompt")]
    public string? SystemPrompt { get; init; }

    /// <summary><c>none</c>, <c>thisServer</c> or <c>allServers</c>.</summary>
    [JsonPropertyName("includeContext")]
    public string? IncludeContext { get; init; }

    /// <summary>Sampling temperature.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    /// <summary>The most tokens to generate.</summary>
    [JsonPropertyName("maxTokens")]
    public required int MaxTokens { get; init; }

    /// <summary>Where to stop.</summary>
    [JsonPropertyName("stopSequences")]
    public IReadOnlyList<string>? StopSequences { get; init; }

    /// <summary>Provider-specific metadata.</summary>
    [JsonPropertyName("metadata")]
    public JsonElement? Metadata { get; init; }

    /// <summary>Tools the model may call (only to a client that declared <c>sampling.tools</c>).</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<Tool>? Tools { get; init; }

    /// <summary>Whether the model must, may or must not call them.</summary>
    [JsonPropertyName("toolChoice")]
    public ToolChoice? ToolChoice { get; init; }

    /// <summary>Request metadata.</summary>
    [JsonPropertyName("_meta")]
    public RequestMeta? Meta { get; init; }
}
