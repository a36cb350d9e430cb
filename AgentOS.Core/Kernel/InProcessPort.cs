using AgentOS.Syscalls;

namespace AgentOS.Kernel;

/// <summary>The port of a kernel in this process: a syscall goes straight to the router, no copy, no serialization.</summary>
internal sealed class InProcessPort(SyscallRouter router) : IKernelPort
{
    public ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default) =>
        router.SubmitAsync(request, cancellationToken);
}
