using AgentOS.Llm;

namespace AgentOS.Evolution;

/// <summary>The self-improving loop in the kernel's status: the LLM queue's settings in force (each parameter by
/// name), what operators pinned, whether a change is being watched, every change so far, and the latest error.</summary>
/// <param name="Current">The settings in force.</param>
/// <param name="Parameters">The same, parameter by parameter (see <see cref="LlmQueueSettings.ParameterNames"/>).</param>
/// <param name="Pins">Pinned parameters and their values.</param>
/// <param name="Watching">Whether a change is being watched.</param>
/// <param name="Observed">Calls learned from.</param>
/// <param name="History">Every change, oldest first.</param>
/// <param name="LastError">The latest step's failure, if one failed (the loop keeps running).</param>
public sealed record EvolutionStatus(
    LlmQueueSettings Current, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, string> Pins,
    bool Watching, long Observed, IReadOnlyList<EvolutionChange> History, string? LastError = null);
