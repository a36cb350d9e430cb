using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>One argument of a prompt.</summary>
public sealed class PromptArgument
{
    /// <summary>Its name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What it means.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>Whether it must be given.</summary>
    [JsonPropertyName("required")]
    public bool? Required { get; init; }
}
