using System.Collections.Concurrent;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Reactor;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Reactor;

/// <summary>A kernel with the Reactor on, recording every Reactor and syscall event from its bus.</summary>
internal sealed class ReactorHarness : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-reactor");

    public ReactorHarness(IReadOnlyList<ILlmBackend> backends, ReactorOptions? reactor, TimeProvider? time = null, Func<KernelOptions, KernelOptions>? configure = null)
    {
        var options = new KernelOptions { DataDirectory = _data.Path, LlmBackends = backends, Reactor = reactor, TimeProvider = time ?? TimeProvider.System };
        options = configure?.Invoke(options) ?? options;
        Kernel = AgentKernel.Start(options);
        Kernel.RegisterIdentity("alice");
        Kernel.Events.Subscribe<ReactorEvent>(e => ReactorEvents.Enqueue(e));
        Kernel.Events.Subscribe<SyscallEvent>(e => SyscallEvents.Enqueue(e));
    }

    public AgentKernel Kernel { get; }

    public ConcurrentQueue<ReactorEvent> ReactorEvents { get; } = new();

    public ConcurrentQueue<SyscallEvent> SyscallEvents { get; } = new();

    public Task<SyscallResponse> Ask(string? model = null, DateTimeOffset? deadline = null, CancellationToken cancellationToken = default) =>
        Kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Deadline = deadline, Llm = new LlmQuery { Messages = [ChatMessage.User("hi")], Backend = model } }, cancellationToken).AsTask();

    /// <summary>The stages one playbook reported, in order, once <paramref name="until"/> holds of them.</summary>
    public IReadOnlyList<ReactorStage> Stages(string playbook, Func<IReadOnlyList<ReactorStage>, bool> until)
    {
        IReadOnlyList<ReactorStage> Seen() => [.. ReactorEvents.Where(e => e.Playbook == playbook).Select(e => e.Stage)];
        SpinWait.SpinUntil(() => until(Seen()), TimeSpan.FromSeconds(20));
        return Seen();
    }

    public void Settle() => Assert.True(SpinWait.SpinUntil(() => Kernel.IsQuiescent, TimeSpan.FromSeconds(20)), "the kernel settles");

    public async ValueTask DisposeAsync()
    {
        await Kernel.DisposeAsync();
        _data.Dispose();
    }
}
