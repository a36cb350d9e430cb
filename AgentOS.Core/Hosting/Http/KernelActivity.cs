using AgentOS.Events;
using AgentOS.Kernel;
using AgentOS.Syscalls;

namespace AgentOS.Hosting.Http;

/// <summary>
/// What the event bus says the kernel is doing, kept for the HTTP API: each queue's wait and service times over the last
/// minute (for <c>GET /v1/queues</c>'s percentiles), each agent's syscall in flight and its latest error (for
/// <c>GET /v1/agents/activity</c>). It subscribes when the server starts, so it knows what happened since then.
/// </summary>
/// <remarks>The bus calls the handlers on its own thread, one event at a time; readers on request threads take the same
/// lock, which is held only for dictionary and list updates (a handler must not block the bus).</remarks>
internal sealed class KernelActivity : IAsyncDisposable
{
    /// <summary>How far back the percentiles look.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Enough samples for a minute of a busy queue; beyond it the oldest go first (the percentiles then cover less).
    private const int MaxSamples = 50_000;
    // Syscalls whose end never arrives (a lost event, a dropped subscriber) must not grow the table without bound.
    private const int MaxInFlight = 100_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<long, InFlight> _inFlight = [];
    private readonly Dictionary<SyscallKind, Samples> _wait = [];
    private readonly Dictionary<SyscallKind, Samples> _service = [];
    private readonly Dictionary<string, AgentTrace> _agents = new(StringComparer.Ordinal);
    private readonly EventSubscription _syscalls;
    private readonly EventSubscription _runs;

    public KernelActivity(EventBus events, TimeProvider time)
    {
        _time = time;
        _syscalls = events.Subscribe<SyscallEvent>(OnSyscall, new SubscriptionOptions { Name = "http-activity" });
        _runs = events.Subscribe<AgentEvent>(OnRun, new SubscriptionOptions { Name = "http-activity-runs" });
    }

    /// <summary>Wait (submitted to first dispatch) and service (first dispatch to end) percentiles of one queue over
    /// <see cref="Window"/>.</summary>
    public (LatencyPercentiles Wait, LatencyPercentiles Service) Percentiles(SyscallKind kind)
    {
        var since = _time.GetUtcNow() - Window;
        lock (_gate)
        {
            return (Summarize(_wait, kind, since), Summarize(_service, kind, since));
        }
    }

    /// <summary>The agent's syscall in flight (the latest one it started) and its latest error, as far as the events say.</summary>
    public (CurrentSyscall? Current, AgentError? LastError) Agent(string agent)
    {
        lock (_gate)
        {
            if (!_agents.TryGetValue(agent, out var trace))
            {
                return (null, null);
            }
            CurrentSyscall? current = null;
            if (trace.Current is { } id && _inFlight.TryGetValue(id, out var flight))
            {
                current = new CurrentSyscall(id, flight.Kind.ToString().ToLowerInvariant(), flight.Dispatched is null ? "waiting" : "running", flight.Target, flight.Submitted);
            }
            return (current, trace.LastError);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _syscalls.DisposeAsync().ConfigureAwait(false);
        await _runs.DisposeAsync().ConfigureAwait(false);
    }

    private void OnSyscall(SyscallEvent e)
    {
        lock (_gate)
        {
            switch (e.Stage)
            {
                case SyscallStage.Submitted when e.Kind is { } kind:
                    if (_inFlight.Count < MaxInFlight)
                    {
                        _inFlight[e.SyscallId] = new InFlight(e.AgentId, kind, e.Target, e.At);
                        Trace(e.AgentId).Current = e.SyscallId;
                    }
                    break;
                case SyscallStage.Dispatched when _inFlight.TryGetValue(e.SyscallId, out var flight):
                    if (flight.Dispatched is null)
                    {
                        flight.Dispatched = e.At;
                        Add(_wait, flight.Kind, e.At, e.At - flight.Submitted);
                    }
                    flight.Target = e.Target ?? flight.Target;
                    break;
                case SyscallStage.Completed or SyscallStage.Failed:
                    if (_inFlight.Remove(e.SyscallId, out var ended))
                    {
                        Add(_service, ended.Kind, e.At, e.At - (ended.Dispatched ?? ended.Submitted));
                        var trace = Trace(e.AgentId);
                        if (trace.Current == e.SyscallId)
                        {
                            trace.Current = null;
                        }
                    }
                    if (e.Stage == SyscallStage.Failed)
                    {
                        Trace(e.AgentId).LastError = new AgentError($"syscall {e.SyscallId} failed: {e.Error}", e.At);
                    }
                    break;
                case SyscallStage.Refused:
                    Trace(e.AgentId).LastError = new AgentError($"syscall refused: {e.Error}", e.At);
                    break;
            }
        }
    }

    private void OnRun(AgentEvent e)
    {
        if (e.Stage == AgentStage.Failed)
        {
            lock (_gate)
            {
                Trace(e.Agent).LastError = new AgentError(e.Error ?? "the run failed", e.At);
            }
        }
    }

    private AgentTrace Trace(string agent)
    {
        if (!_agents.TryGetValue(agent, out var trace))
        {
            _agents[agent] = trace = new AgentTrace();
        }
        return trace;
    }

    private static void Add(Dictionary<SyscallKind, Samples> table, SyscallKind kind, DateTimeOffset at, TimeSpan value)
    {
        if (!table.TryGetValue(kind, out var samples))
        {
            table[kind] = samples = new Samples();
        }
        samples.Add(at, Math.Max(0, value.TotalMilliseconds));
    }

    private static LatencyPercentiles Summarize(Dictionary<SyscallKind, Samples> table, SyscallKind kind, DateTimeOffset since)
    {
        if (!table.TryGetValue(kind, out var samples))
        {
            return new LatencyPercentiles(0, 0, 0, 0, 0);
        }
        samples.Trim(since);
        return samples.Summarize();
    }

    private sealed class InFlight(string agent, SyscallKind kind, string? target, DateTimeOffset submitted)
    {
        public string Agent { get; } = agent;
        public SyscallKind Kind { get; } = kind;
        public string? Target { get; set; } = target;
        public DateTimeOffset Submitted { get; } = submitted;
        public DateTimeOffset? Dispatched { get; set; }
    }

    private sealed class AgentTrace
    {
        public long? Current { get; set; }
        public AgentError? LastError { get; set; }
    }

    // Samples in arrival order (events come in time order on one bus thread), trimmed from the front.
    private sealed class Samples
    {
        private readonly Queue<(DateTimeOffset At, double Ms)> _items = new();

        public void Add(DateTimeOffset at, double ms)
        {
            if (_items.Count == MaxSamples)
            {
                _items.Dequeue();
            }
            _items.Enqueue((at, ms));
        }

        public void Trim(DateTimeOffset since)
        {
            while (_items.Count > 0 && _items.Peek().At < since)
            {
                _items.Dequeue();
            }
        }

        public LatencyPercentiles Summarize()
        {
            if (_items.Count == 0)
            {
                return new LatencyPercentiles(0, 0, 0, 0, 0);
            }
            var sorted = _items.Select(i => i.Ms).ToArray();
            Array.Sort(sorted);
            return new LatencyPercentiles(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);
        }

        // Nearest rank: the smallest sample with at least p of the samples at or below it.
        private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
