using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentOS.Syscalls;

namespace AgentOS.Diagnostics;

/// <summary>
/// The kernel's OpenTelemetry-readable signals, from the base framework only: an <see cref="ActivitySource"/> span per
/// syscall (only while someone listens: no listener, no allocation) and <see cref="Meter"/> instruments — syscalls
/// by kind and outcome, wait time (submitted to dispatched), service time (dispatched to completed), and each queue's
/// depth. Names: source and meter <c>AgentOS.Kernel</c>.
/// </summary>
internal sealed class SyscallTelemetry : ISyscallObserver, IDisposable
{
    public const string Name = "AgentOS.Kernel";

    private static readonly string[] KindNames = ["llm", "memory", "storage", "tool"];

    private readonly ActivitySource _source = new(Name, AgentOSInfo.Version);
    private readonly Meter _meter = new(Name, AgentOSInfo.Version);
    private readonly TimeProvider _time;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _waitMs;
    private readonly Histogram<double> _serviceMs;

    public SyscallTelemetry(TimeProvider time, Func<IEnumerable<Measurement<int>>> queueDepths)
    {
        _time = time;
        _completed = _meter.CreateCounter<long>("agentos.syscalls.completed", "{syscall}", "Syscalls that completed successfully.");
        _failed = _meter.CreateCounter<long>("agentos.syscalls.failed", "{syscall}", "Syscalls that ended with an error; refused ones (invalid, denied, over budget) have kind=refused.");
        _waitMs = _meter.CreateHistogram<double>("agentos.syscall.wait_time", "ms", "Time from submission to dispatch.");
        _serviceMs = _meter.CreateHistogram<double>("agentos.syscall.service_time", "ms", "Time from dispatch to completion.");
        _meter.CreateObservableGauge("agentos.queue.depth", queueDepths, "{syscall}", "Syscalls waiting in each queue.");
    }

    public void OnSubmitted(Syscall syscall)
    {
        if (_source.HasListeners())
        {
            var activity = _source.StartActivity("syscall " + KindNames[(int)syscall.Kind], ActivityKind.Internal);
            if (activity is not null)
            {
                activity.SetTag("agentos.syscall.id", syscall.Id);
                activity.SetTag("agentos.agent.id", syscall.Request.AgentId);
                activity.SetTag("agentos.syscall.kind", KindNames[(int)syscall.Kind]);
                syscall.Activity = activity;
            }
        }
    }

    public void OnDispatched(Syscall syscall) => syscall.Activity?.AddEvent(new ActivityEvent("dispatched"));

    public void OnCompleted(Syscall syscall)
    {
        var kind = new KeyValuePair<string, object?>("kind", KindNames[(int)syscall.Kind]);
        if (syscall.DispatchedAt != 0)
        {
            if (_waitMs.Enabled)
            {
                _waitMs.Record(_time.GetElapsedTime(syscall.SubmittedAt, syscall.DispatchedAt).TotalMilliseconds, kind);
            }
            if (_serviceMs.Enabled)
            {
                _serviceMs.Record(_time.GetElapsedTime(syscall.DispatchedAt, syscall.CompletedAt).TotalMilliseconds, kind);
            }
        }
        if (syscall.Error is { } error)
        {
            _failed.Add(1, kind, new KeyValuePair<string, object?>("error", Syscalls.Errors.SyscallError.From(error).Code));
            syscall.Activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        }
        else
        {
            _completed.Add(1, kind);
        }
        syscall.Activity?.Dispose();
        syscall.Activity = null;
    }

    public void OnRefused(SyscallRequest request, Exception error) =>
        _failed.Add(1, new KeyValuePair<string, object?>("kind", "refused"), new KeyValuePair<string, object?>("error", Syscalls.Errors.SyscallError.From(error).Code));

    public void Dispose()
    {
        _source.Dispose();
        _meter.Dispose();
    }
}
