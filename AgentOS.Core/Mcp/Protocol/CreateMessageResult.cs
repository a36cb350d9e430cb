using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>sampling/createMessage</c>.</summary>
public sealed class CreateMessageResult
{
    /// <summary><c>assistant</c>.</summary>
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>What the model produced.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(ContentBlocksConverter))]
    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary>The model that produced it.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary><c>endTurn</c>, <c>stopSequence</c>, <c>maxTokens</c> or another reason.</summary>
    [JsonPropertyName("stopReason")]
    public string? StopReason { get; init; }
}
