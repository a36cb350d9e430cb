using AgentOS.Events;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Syscalls;

/// <summary>Puts every syscall transition on the event bus as a <see cref="SyscallEvent"/> (a struct: no allocation).</summary>
/// <remarks>An event's time is the envelope's own timestamp of that transition (the router took it just before), read
/// as wall-clock time through an anchor: one wall-clock reading and the monotonic timestamp taken with it. So the hot
/// path reads no clock of its own, and an event's time is exactly the moment the envelope recorded (on a manual or
/// virtual clock, exactly its <see cref="TimeProvider.GetUtcNow"/> then). The anchor is renewed when a timestamp is
/// more than a second past it, so a stepped wall clock is followed within a second, as reading it per event would.</remarks>
internal sealed class SyscallEventPublisher : ISyscallObserver
{
    private readonly EventChannel<SyscallEvent> _channel;
    private readonly TimeProvider _time;
    private readonly double _ticksPerTimestamp;
    private readonly long _renewAfter;
    private volatile Anchor _anchor;

    public SyscallEventPublisher(EventChannel<SyscallEvent> channel, TimeProvider time)
    {
        _channel = channel;
        _time = time;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / time.TimestampFrequency;
        _renewAfter = time.TimestampFrequency;
        _anchor = Renew();
    }

    public void OnSubmitted(Syscall syscall) => Publish(syscall, SyscallStage.Submitted, null, syscall.SubmittedAt);

    public void OnDispatched(Syscall syscall) => Publish(syscall, SyscallStage.Dispatched, null, syscall.DispatchedAt);

    public void OnCompleted(Syscall syscall) =>
        Publish(syscall, syscall.Error is null ? SyscallStage.Completed : SyscallStage.Failed, syscall.Error is { } e ? SyscallError.From(e).Code : null, syscall.CompletedAt);

    // A retry has no timestamp of its own on the envelope (rare: the clock is read).
    public void OnRetrying(Syscall syscall)
    {
        if (_channel.HasSubscribers)
        {
            _channel.Publish(new SyscallEvent(syscall.Id, syscall.Request.AgentId, syscall.Kind, SyscallStage.Retrying, _time.GetUtcNow(), SyscallError.From(syscall.Error!).Code, syscall.Access.Target));
        }
    }

    public void OnRefused(SyscallRequest request, Exception error)
    {
        if (_channel.HasSubscribers)
        {
            SyscallKind? kind = request.Llm is not null ? SyscallKind.Llm : request.Memory is not null ? SyscallKind.Memory
                : request.Storage is not null ? SyscallKind.Storage : request.Tool is not null ? SyscallKind.Tool : null;
            _channel.Publish(new SyscallEvent(0, request.AgentId ?? "", kind, SyscallStage.Refused, _time.GetUtcNow(), SyscallError.From(error).Code));
        }
    }

    /// <summary>The wall-clock time of a monotonic <paramref name="timestamp"/> of the kernel's clock.</summary>
    internal DateTimeOffset At(long timestamp)
    {
        var anchor = _anchor;
        if (timestamp - anchor.Timestamp > _renewAfter)
        {
            anchor = _anchor = Renew();
        }
        return anchor.Utc.AddTicks((long)((timestamp - anchor.Timestamp) * _ticksPerTimestamp));
    }

    private Anchor Renew()
    {
        long timestamp = _time.GetTimestamp();
        return new Anchor(_time.GetUtcNow(), timestamp);
    }

    private void Publish(Syscall syscall, SyscallStage stage, string? error, long timestamp)
    {
        if (_channel.HasSubscribers)
        {
            _channel.Publish(new SyscallEvent(syscall.Id, syscall.Request.AgentId, syscall.Kind, stage, At(timestamp), error, syscall.Access.Target));
        }
    }

    private sealed record Anchor(DateTimeOffset Utc, long Timestamp);
}
