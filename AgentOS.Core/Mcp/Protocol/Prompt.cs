using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>A prompt template a client may get.</summary>
public sealed class Prompt
{
    /// <summary>Its name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What it is for.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The arguments it takes.</summary>
    [JsonPropertyName("arguments")]
    public IReadOnlyList<PromptArgument>? Arguments { get; init; }

    /// <summary>Icons a client may show.</summary>
    [JsonPropertyName("icons")]
    public IReadOnlyList<Icon>? Icons { get; init; }
}
