using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// A backend whose answer depends on which agent asks: the kernel calls <see cref="GenerateAsync"/> with the agent
/// whose syscall it serves. The MCP sampling backend is one: it asks the agent's own client's model, never another's.
/// </summary>
public interface IAgentAwareLlmBackend : ILlmBackend
{
    /// <summary>Generates an answer for <paramref name="agentId"/>'s syscall.</summary>
    ValueTask<LlmResponse> GenerateAsync(LlmQuery query, string agentId, CancellationToken cancellationToken = default);
}
