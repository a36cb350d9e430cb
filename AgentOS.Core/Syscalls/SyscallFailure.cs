using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls;

/// <summary>A syscall that ended with an error (or, once it was run again, its outcome), as the router's recovery sees it.</summary>
/// <param name="SyscallId">The syscall's id (unchanged across attempts).</param>
/// <param name="AgentId">The calling agent.</param>
/// <param name="Kind">The resource.</param>
/// <param name="Target">Where it ran: the LLM backend, the tool, the storage path or memory owner.</param>
/// <param name="Error">The typed error, or <see langword="null"/> for a success.</param>
/// <param name="Attempt">How many times it was run again before this end (0: the first run).</param>
/// <param name="Deadline">The syscall's own deadline, if it has one.</param>
/// <param name="Idempotent">For a tool call: whether the tool is declared idempotent (safe to run twice).</param>
/// <param name="Request">The request as submitted.</param>
public readonly record struct SyscallFailure(long SyscallId, string AgentId, SyscallKind Kind, string? Target, SyscallException? Error, int Attempt, DateTimeOffset? Deadline, bool Idempotent, SyscallRequest Request);
