using AgentOS.Syscalls.Queries;

namespace AgentOS.Syscalls;

/// <summary>
/// A kernel port that can also say which tools an agent may call, as a model sees them: the in-process port and the
/// remote port answer the same list, so an agent plans with the same tools wherever it runs.
/// </summary>
public interface IToolCatalog
{
    /// <summary>The tools <paramref name="agentId"/> is granted, by name (registered now: MCP servers and the HTTP API
    /// add and remove tools while the kernel runs).</summary>
    ValueTask<IReadOnlyList<ToolSpec>> ListToolsAsync(string agentId, CancellationToken cancellationToken = default);
}
