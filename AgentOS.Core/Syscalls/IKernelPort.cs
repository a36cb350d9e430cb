namespace AgentOS.Syscalls;

/// <summary>
/// Where an agent's syscalls go: the kernel in this process (<c>AgentKernel.Port</c>) or a remote kernel over HTTP
/// (<c>RemoteKernelPort</c>). The SDK talks to nothing else, so the same agent runs unchanged against either.
/// Thread-safe.
/// </summary>
public interface IKernelPort
{
    /// <summary>Submits a syscall and waits for its response. Failures are the typed errors of
    /// <see cref="Errors"/> (permission denied, budget exceeded, deadline exceeded, cancelled, ...).</summary>
    ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default);
}
