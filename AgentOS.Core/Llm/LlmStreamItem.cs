using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>One item of a streamed generation: a piece of text as it is generated, or, last, the whole response with
/// its usage.</summary>
/// <param name="Delta">Text generated since the previous item.</param>
/// <param name="Final">The complete response (only on the last item).</param>
public readonly record struct LlmStreamItem(string? Delta, LlmResponse? Final = null);
