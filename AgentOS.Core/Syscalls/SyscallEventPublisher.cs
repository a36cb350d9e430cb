using AgentOS.Events;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls;

/// <summary>Puts every syscall transition on the event bus as a <see cref="SyscallEvent"/> (a struct: no allocation).</summary>
internal sealed class SyscallEventPublisher(EventChannel<SyscallEvent> channel, TimeProvider time) : ISyscallObserver
{
    public void OnSubmitted(Syscall syscall) => Publish(syscall, SyscallStage.Submitted, null);

    public void OnDispatched(Syscall syscall) => Publish(syscall, SyscallStage.Dispatched, null);

    public void OnCompleted(Syscall syscall) =>
        Publish(syscall, syscall.Error is null ? SyscallStage.Completed : SyscallStage.Failed, syscall.Error is { } e ? SyscallError.From(e).Code : null);

    public void OnRetrying(Syscall syscall) => Publish(syscall, SyscallStage.Retrying, SyscallError.From(syscall.Error!).Code);

    public void OnRefused(SyscallRequest request, Exception error)
    {
        if (channel.HasSubscribers)
        {
            SyscallKind? kind = request.Llm is not null ? SyscallKind.Llm : request.Memory is not null ? SyscallKind.Memory
                : request.Storage is not null ? SyscallKind.Storage : request.Tool is not null ? SyscallKind.Tool : null;
            channel.Publish(new SyscallEvent(0, request.AgentId ?? "", kind, SyscallStage.Refused, time.GetUtcNow(), SyscallError.From(error).Code));
        }
    }

    private void Publish(Syscall syscall, SyscallStage stage, string? error)
    {
        if (channel.HasSubscribers)
        {
            channel.Publish(new SyscallEvent(syscall.Id, syscall.Request.AgentId, syscall.Kind, stage, time.GetUtcNow(), error, syscall.Access.Target));
        }
    }
}
