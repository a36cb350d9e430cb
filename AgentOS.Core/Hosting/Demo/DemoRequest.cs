namespace AgentOS.Hosting.Demo;

/// <summary>One demo agent's work: when it arrives and what it asks.</summary>
internal sealed record DemoRequest(int Index, TimeSpan Arrival, int InputTokens, int OutputTokens, string Prompt, int AnswerTokens, int SummaryTokens, int Priority, TimeSpan? Slo);
