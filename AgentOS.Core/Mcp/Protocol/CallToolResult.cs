using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>tools/call</c>. A tool's own failure is a result with <c>isError</c>, not a JSON-RPC error, so the model can read it.</summary>
public sealed class CallToolResult
{
    /// <summary>What the tool returned, in order.</summary>
    [JsonPropertyName("content")]
    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary>The result as JSON matching the tool's output schema.</summary>
    [JsonPropertyName("structuredContent")]
    public JsonElement? StructuredContent { get; init; }

    /// <summary>The call failed.</summary>
    [JsonPropertyName("isError")]
    public bool? IsError { get; init; }

    /// <summary>Metadata.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}
