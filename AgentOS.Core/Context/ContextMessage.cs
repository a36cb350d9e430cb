namespace AgentOS.Context;

/// <summary>One message of a conversation context, with its size in the model's tokens.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Content">Its text.</param>
/// <param name="Tokens">Its size in tokens (as the context's token counter measured it).</param>
public sealed record ContextMessage(string Role, string Content, int Tokens)
{
    /// <summary>Whether it is a system prompt (kept by every window strategy).</summary>
    public bool IsSystem => Role == "system";

    /// <summary>What the message was made from (a caller's own message type), kept through cuts so the caller can map a
    /// fitted conversation back.</summary>
    public object? Origin { get; init; }
}
