namespace AgentOS.Tools;

/// <summary>
/// Who is calling a tool, for tools whose effect depends on the caller: a session belongs to one agent, a workspace is
/// that agent's. The kernel fills it from the authenticated syscall; a tool never reads identity from its arguments.
/// </summary>
/// <param name="AgentId">The agent the call runs for.</param>
/// <param name="SyscallId">The syscall carrying the call (events and audit records name it).</param>
/// <param name="CallId">The model's id for the call, when it had one.</param>
/// <param name="ActedBy">The principal that submitted the call for <paramref name="AgentId"/>, when it is not that agent.</param>
public sealed record ToolCallContext(string AgentId, long SyscallId, string? CallId = null, string? ActedBy = null)
{
    /// <summary>The call's idempotency key (<see cref="Syscalls.Queries.ToolQuery.IdempotencyKey"/>), when it has one.</summary>
    public string? IdempotencyKey { get; init; }
}
