namespace AgentOS.Syscalls;

/// <summary>
/// The router's seam for automatic repair: a syscall that ended with a typed error is offered here before its caller
/// sees the error, and may be run again (the same envelope, the same id, within its own deadline) after a delay and
/// on another target. The kernel's Reactor implements it; the router only carries out what it decides.
/// </summary>
/// <remarks>Called on the thread where the syscall ended (a dispatcher thread or a manager's continuation): it must
/// be quick, must not block and must not throw.</remarks>
internal interface ISyscallRecovery
{
    /// <summary>Whether, when and where to run <paramref name="failure"/> again; <see langword="null"/> lets it fail.</summary>
    SyscallRetry? Decide(in SyscallFailure failure);

    /// <summary>A syscall that was run again has ended (<see cref="SyscallFailure.Error"/> is null when it succeeded).</summary>
    void Ended(in SyscallFailure outcome);
}
