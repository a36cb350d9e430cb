namespace AgentOS.Syscalls.Queries;

/// <summary>An LLM's answer: text, or tool calls it plans, with token usage.</summary>
public sealed class LlmResponse
{
    /// <summary>An empty answer; set what it holds.</summary>
    public LlmResponse()
    {
    }

    // The JSON constructor: members missing from the JSON keep the defaults below (see LlmQuery's for why).
    [System.Text.Json.Serialization.JsonConstructor]
    internal LlmResponse(string? content = "", IReadOnlyList<ToolCall>? toolCalls = null, string? finishReason = "stop", string? backend = "")
    {
        Content = content ?? "";
        ToolCalls = toolCalls ?? [];
        FinishReason = finishReason ?? "stop";
        Backend = backend ?? "";
    }

    /// <summary>The generated text.</summary>
    public string Content { get; init; } = "";

    /// <summary>Tools the model asked to call.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>Tokens read.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Tokens generated.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Why generation stopped (stop, length, tool_calls).</summary>
    public string FinishReason { get; init; } = "stop";

    /// <summary>Which backend answered.</summary>
    public string Backend { get; init; } = "";
}
