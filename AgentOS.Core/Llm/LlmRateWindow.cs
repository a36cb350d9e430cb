namespace AgentOS.Llm;

/// <summary>A backend's rate-limit minute as it stands: requests and tokens counted in the sliding minute against their
/// limits (<see langword="null"/>: none; a backend without limits counts nothing).</summary>
public sealed record LlmRateWindow(int Requests, long Tokens, int? RequestsPerMinute, int? TokensPerMinute);
