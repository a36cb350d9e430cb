using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>What a client offers the server it talks to.</summary>
public sealed class ClientCapabilities
{
    /// <summary>Non-standard capabilities.</summary>
    [JsonPropertyName("experimental")]
    public JsonElement? Experimental { get; init; }

    /// <summary>The client lists its roots.</summary>
    [JsonPropertyName("roots")]
    public RootsCapability? Roots { get; init; }

    /// <summary>The client serves <c>sampling/createMessage</c>: the server may ask its model.</summary>
    [JsonPropertyName("sampling")]
    public SamplingCapability? Sampling { get; init; }

    /// <summary>The client serves <c>elicitation/create</c>: the server may ask its user.</summary>
    [JsonPropertyName("elicitation")]
    public ElicitationCapability? Elicitation { get; init; }
}
