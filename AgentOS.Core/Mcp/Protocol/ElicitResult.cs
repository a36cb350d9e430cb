using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The result of <c>elicitation/create</c>.</summary>
public sealed class ElicitResult
{
    /// <summary><c>accept</c>, <c>decline</c> or <c>cancel</c> (see <see cref="ElicitActions"/>).</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    /// <summary>The submitted form, when accepted.</summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; init; }
}
