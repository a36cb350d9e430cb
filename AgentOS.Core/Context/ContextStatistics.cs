namespace AgentOS.Context;

/// <summary>The kernel's conversation contexts at a glance.</summary>
/// <param name="Contexts">Conversations the kernel keeps (loaded from storage at start, plus those begun since).</param>
/// <param name="Messages">Their messages together.</param>
/// <param name="Tokens">Their messages' size together, in (estimated) tokens.</param>
/// <param name="PromptTokens">Prompt tokens the backends reported over all their turns.</param>
/// <param name="CompletionTokens">Completion tokens the backends reported over all their turns.</param>
/// <param name="Preempted">Conversations whose current answer is suspended by the scheduler.</param>
/// <param name="Strategy">How an overlong conversation is fitted (truncate or summarize).</param>
public sealed record ContextStatistics(int Contexts, long Messages, long Tokens, long PromptTokens, long CompletionTokens, int Preempted, string Strategy);
