using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Kernel;

/// <summary>The port of a kernel in this process: a syscall goes straight to the router, no copy, no serialization.</summary>
internal sealed class InProcessPort(SyscallRouter router, Func<string, IReadOnlyList<ToolSpec>> toolsFor) : IKernelPort, IToolCatalog
{
    public ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default) =>
        router.SubmitAsync(request, cancellationToken);

    public ValueTask<IReadOnlyList<ToolSpec>> ListToolsAsync(string agentId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(toolsFor(agentId));
}
