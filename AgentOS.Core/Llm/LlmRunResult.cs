using AgentOS.Context;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>How a preemptible run ended: finished with its whole response, or suspended with a snapshot to resume.</summary>
/// <param name="Response">The complete response (when it finished).</param>
/// <param name="Suspended">The snapshot to continue from (when it was suspended).</param>
public readonly record struct LlmRunResult(LlmResponse? Response, GenerationSnapshot? Suspended);
