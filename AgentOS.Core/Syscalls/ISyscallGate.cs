using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls;

/// <summary>
/// The router's seam for stopping an agent: every valid request is shown here before it is authorized, and may be
/// refused with a typed error (a paused agent); every syscall that ran is reported when it ends, with the tokens it
/// used. The kernel's Reactor implements it (its runaway playbook).
/// </summary>
/// <remarks>Called on the submitting thread and on the thread where a syscall ended: quick, non-blocking, never
/// throwing.</remarks>
internal interface ISyscallGate
{
    /// <summary><see langword="null"/> admits the request; an error refuses it (nothing runs, nothing is charged).</summary>
    SyscallException? Admit(SyscallRequest request, SyscallKind kind);

    /// <summary>A syscall ended (after any retries), successfully or not.</summary>
    void Ended(SyscallRequest request, SyscallKind kind, int tokensUsed, bool succeeded);
}
