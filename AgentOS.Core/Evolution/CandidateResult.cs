using AgentOS.Llm;

namespace AgentOS.Evolution;

/// <summary>How one candidate fared in a proof: its replayed latencies against the settings in force, on the same calls.</summary>
/// <param name="Settings">The candidate.</param>
/// <param name="Mean">Its replayed mean latency, seconds (scored calls only).</param>
/// <param name="P99">Its replayed p99 latency, seconds.</param>
/// <param name="Gain">Mean per-call gain over the settings in force, seconds (positive: faster).</param>
/// <param name="LowerBound">The paired bootstrap's lower bound of <paramref name="Gain"/>.</param>
/// <param name="Admissible">Whether it passed: bound above zero and p99 within the tail bar.</param>
public sealed record CandidateResult(LlmQueueSettings Settings, double Mean, double P99, double Gain, double LowerBound, bool Admissible);

/// <summary>The latest proof: the settings in force, their replayed figures, and every candidate's.</summary>
/// <param name="Current">The settings in force when it ran.</param>
/// <param name="Mean">Their replayed mean latency, seconds.</param>
/// <param name="P99">Their replayed p99 latency, seconds.</param>
/// <param name="LiveMean">The live mean latency of the same calls, seconds.</param>
/// <param name="Requests">Calls scored (after the replay's warm-up).</param>
/// <param name="Candidates">Every candidate tried.</param>
public sealed record ProofReport(LlmQueueSettings Current, double Mean, double P99, double LiveMean, int Requests, IReadOnlyList<CandidateResult> Candidates);
