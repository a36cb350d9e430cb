using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>Hints about a tool's behaviour (untrusted unless the server is).</summary>
public sealed class ToolAnnotations
{
    /// <summary>A display name.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The tool changes nothing.</summary>
    [JsonPropertyName("readOnlyHint")]
    public bool? ReadOnlyHint { get; init; }

    /// <summary>The tool may destroy or overwrite.</summary>
    [JsonPropertyName("destructiveHint")]
    public bool? DestructiveHint { get; init; }

    /// <summary>Calling twice with the same arguments has the effect of calling once.</summary>
    [JsonPropertyName("idempotentHint")]
    public bool? IdempotentHint { get; init; }

    /// <summary>The tool reaches outside the server (the web, other systems).</summary>
    [JsonPropertyName("openWorldHint")]
    public bool? OpenWorldHint { get; init; }
}
