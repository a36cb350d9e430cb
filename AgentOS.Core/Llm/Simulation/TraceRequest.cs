namespace AgentOS.Llm.Simulation;

/// <summary>One LLM request of a trace: when it arrived (since the trace's start) and its token counts.</summary>
public readonly record struct TraceRequest(TimeSpan Arrival, int InputTokens, int OutputTokens);
