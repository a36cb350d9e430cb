using AgentOS.Llm;

namespace AgentOS.Evolution;

/// <summary>
/// One versioned change of the LLM queue's settings, as kept in storage, audited and published: what it was, what
/// it became, why, and the proof.
/// </summary>
/// <param name="Version">1, 2, ... in the order changes were made.</param>
/// <param name="At">When (kernel clock).</param>
/// <param name="Kind"><c>apply</c> (a proven candidate), <c>rollback</c> (the live metric degraded), <c>keep</c>
/// (the watch ended well), <c>pin</c> or <c>unpin</c> (an operator).</param>
/// <param name="From">The settings before.</param>
/// <param name="To">The settings after.</param>
/// <param name="Reason">Why, in words, with the figures.</param>
/// <param name="Gain">Mean latency gain per request, seconds (predicted for apply, measured for rollback/keep).</param>
/// <param name="LowerBound">The bootstrap's lower bound of the gain (apply only).</param>
/// <param name="Requests">Requests the proof or the watch was measured on.</param>
/// <param name="Parameter">For <c>pin</c> and <c>unpin</c>: the parameter (a restarted loop reads its pins back from
/// these).</param>
/// <param name="Value">For <c>pin</c>: the value it was pinned to.</param>
public sealed record EvolutionChange(
    long Version, DateTimeOffset At, string Kind, LlmQueueSettings From, LlmQueueSettings To, string Reason,
    double Gain = 0, double LowerBound = 0, int Requests = 0, string? Parameter = null, string? Value = null);
