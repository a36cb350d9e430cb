namespace AgentOS.Syscalls.Queries;

/// <summary>One message of a conversation: a role (system, user, assistant, tool) and its text.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>For a tool result: the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>For an assistant message: the tool calls it made (sent back so the model sees its own plan beside the
    /// tool results that answer it).</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>A system message.</summary>
    public static ChatMessage System(string content) => new("system", content);

    /// <summary>A user message.</summary>
    public static ChatMessage User(string content) => new("user", content);

    /// <summary>An assistant message.</summary>
    public static ChatMessage Assistant(string content) => new("assistant", content);
}
