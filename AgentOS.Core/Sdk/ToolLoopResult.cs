using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>A finished <see cref="ToolLoop"/>: how it ended, the final answer, every step and the conversation.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Answer">The model's last text (the answer when <paramref name="Outcome"/> is
/// <see cref="ToolLoopOutcome.Answered"/>).</param>
/// <param name="Steps">Every step, in order.</param>
/// <param name="Messages">The whole conversation: instructions, input, the model's turns and the tool results.</param>
public sealed record ToolLoopResult(ToolLoopOutcome Outcome, string Answer, IReadOnlyList<ToolLoopStep> Steps, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>Tokens used by the whole loop.</summary>
    public int TotalTokens => Steps.Count == 0 ? 0 : Steps[^1].TotalTokens;
}
