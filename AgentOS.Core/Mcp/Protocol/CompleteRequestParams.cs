using System.Text.Json.Serialization;

namespace AgentOS.Mcp.Protocol;

/// <summary>The parameters of <c>completion/complete</c>.</summary>
public sealed class CompleteRequestParams
{
    /// <summary>The prompt or resource template whose argument is being completed.</summary>
    [JsonPropertyName("ref")]
    public required CompletionReference Ref { get; init; }

    /// <summary>The argument and what has been typed so far.</summary>
    [JsonPropertyName("argument")]
    public required CompletionArgument Argument { get; init; }

    /// <summary>Arguments already given.</summary>
    [JsonPropertyName("context")]
    public CompletionContext? Context { get; init; }
}
