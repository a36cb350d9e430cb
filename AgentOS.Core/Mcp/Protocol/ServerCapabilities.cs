using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>What a server offers its client.</summary>
public sealed class ServerCapabilities
{
    /// <summary>Non-standard capabilities.</summary>
    [JsonPropertyName("experimental")]
    public JsonElement? Experimental { get; init; }

    /// <summary>The server sends log messages and honours <c>logging/setLevel</c>.</summary>
    [JsonPropertyName("logging")]
    public McpEmpty? Logging { get; init; }

    /// <summary>The server answers <c>completion/complete</c>.</summary>
    [JsonPropertyName("completions")]
    public McpEmpty? Completions { get; init; }

    /// <summary>The server has prompts.</summary>
    [JsonPropertyName("prompts")]
    public PromptsCapability? Prompts { get; init; }

    /// <summary>The server has resources.</summary>
    [JsonPropertyName("resources")]
    public ResourcesCapability? Resources { get; init; }

    /// <summary>The server has tools.</summary>
    [JsonPropertyName("tools")]
    public ToolsCapability? Tools { get; init; }
}
