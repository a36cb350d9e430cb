namespace AgentOS.Evolution;

/// <summary>
/// One finished LLM call as the kernel saw it: what the self-improving loop learns from and replays. Times are
/// seconds on the kernel's clock.
/// </summary>
/// <param name="Arrival">When the call was submitted.</param>
/// <param name="Agent">The calling agent.</param>
/// <param name="Site">The call site in the agent's code ("" when it named none).</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="Latency">Completion − arrival: the live metric.</param>
/// <param name="FirstToken">From the backend starting the call to its first token (NaN when not measured).</param>
/// <param name="Decode">From the first token to the last (NaN when not measured).</param>
/// <param name="Backend">The backend that served it.</param>
/// <param name="Failed">Whether the backend failed it.</param>
/// <param name="Service">From the backend starting the call to its end, when first-token and decode times are not
/// measured apart (NaN when not measured).</param>
public readonly record struct TrafficRecord(
    double Arrival, string Agent, string Site, int InputTokens, int OutputTokens, double Latency,
    double FirstToken = double.NaN, double Decode = double.NaN, string Backend = "", bool Failed = false, double Service = double.NaN);
