namespace AgentOS.Syscalls;

/// <summary>
/// One syscall transition on the kernel's event bus (type name <c>agentos.syscall</c>). A struct, so publishing it
/// allocates nothing. <see cref="Error"/> is the wire error code for <see cref="SyscallStage.Failed"/> and
/// <see cref="SyscallStage.Refused"/>.
/// </summary>
/// <param name="SyscallId">The syscall's id (0 for a refused one: it never got an envelope).</param>
/// <param name="AgentId">The calling agent.</param>
/// <param name="Kind">The resource (none for a refused request that named no valid query).</param>
/// <param name="Stage">The transition.</param>
/// <param name="At">When, on the kernel's clock.</param>
/// <param name="Error">The error code, if any.</param>
/// <param name="Target">Where it runs: the LLM backend, the tool, the storage path or the memory owner (none for a
/// refused request), so a playbook can count failures per backend.</param>
public readonly record struct SyscallEvent(long SyscallId, string AgentId, SyscallKind? Kind, SyscallStage Stage, DateTimeOffset At, string? Error = null, string? Target = null)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "agentos.syscall";
}
