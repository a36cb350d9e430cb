namespace AgentOS.Context;

/// <summary>
/// Makes a conversation fit a model's context window. Never fails for lack of room: whatever the conversation, the
/// result fits <c>budget</c> tokens (cutting text as a last resort).
/// </summary>
public interface IContextWindowStrategy
{
    /// <summary>A short name for configuration and logs (truncate, summarize).</summary>
    string Name { get; }

    /// <summary>The messages to send, fitting <paramref name="budget"/> tokens as <paramref name="count"/> measures them.
    /// Returns <paramref name="messages"/> itself when they already fit.</summary>
    ValueTask<IReadOnlyList<ContextMessage>> FitAsync(IReadOnlyList<ContextMessage> messages, int budget, Func<string, int> count, CancellationToken cancellationToken = default);
}
