using System.Threading.Channels;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Kernel;

/// <summary>
/// The baseline: a kernel written the obvious way — one unbounded <see cref="Channel{T}"/> of (request, completion
/// source), one dispatcher task reading it, a <see cref="TaskCompletionSource{TResult}"/> per syscall completed with
/// asynchronous continuations (so, like AgentOS, agents never run on the dispatcher). Same no-op backend.
/// </summary>
internal sealed class ChannelKernel : IKernelPort, IAsyncDisposable
{
    private static readonly LlmResponse Answer = new() { Content = "ok", Backend = "noop" };
    private readonly Channel<(SyscallRequest Request, TaskCompletionSource<SyscallResponse> Done)> _inbox =
        Channel.CreateUnbounded<(SyscallRequest, TaskCompletionSource<SyscallResponse>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _dispatcher;
    private long _nextId;

    public ChannelKernel() => _dispatcher = Task.Run(DispatchAsync);

    public ValueTask<SyscallResponse> SubmitAsync(SyscallRequest request, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<SyscallResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbox.Writer.TryWrite((request, done));
        return new ValueTask<SyscallResponse>(done.Task);
    }

    private async Task DispatchAsync()
    {
        await foreach (var (_, done) in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            done.TrySetResult(new SyscallResponse { SyscallId = ++_nextId, Llm = Answer });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.Complete();
        await _dispatcher.ConfigureAwait(false);
    }
}
