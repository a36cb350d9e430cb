namespace AgentOS.Reactor;

/// <summary>
/// One step of a Reactor case on the kernel's event bus (type name <c>agentos.reactor</c>); each is also an audit
/// record (decision <c>reactor</c>) and is kept in <see cref="ReactorStatus.Recent"/>.
/// </summary>
/// <param name="Playbook">The playbook: <c>retry</c>, <c>circuit_breaker</c>, <c>failover</c>, ...</param>
/// <param name="Stage">The step.</param>
/// <param name="Case">The case's number: every step of one case carries it.</param>
/// <param name="Target">What it concerns: an LLM backend, a tool, an agent.</param>
/// <param name="Agent">The agent concerned, if any.</param>
/// <param name="SyscallId">The syscall concerned, if any (0 otherwise).</param>
/// <param name="Detail">What happened, for a human.</param>
/// <param name="At">When, on the kernel's clock.</param>
public readonly record struct ReactorEvent(string Playbook, ReactorStage Stage, long Case, string? Target, string? Agent, long SyscallId, string Detail, DateTimeOffset At)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "agentos.reactor";
}
