using AgentOS.Access;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools.Mcp;

namespace AgentOS.Reactor;

/// <summary>
/// The circuit breaker per MCP server (<c>mcp_circuit_breaker</c>). Trigger: tool calls the server failed (an
/// internal error, a timeout, the connection lost), at least <see cref="CircuitBreakerPlaybookOptions.Failures"/>
/// within the window and at least <see cref="CircuitBreakerPlaybookOptions.FailureRatio"/> of its calls there. Action
/// (under the global fuse): open — every call of the server's tools fails at once, typed <c>backend_failed</c> with
/// the time to the next probe as its retry_after, without reaching the server. Half-open: after
/// <see cref="CircuitBreakerPlaybookOptions.OpenSeconds"/> a ping must be answered; then the next call goes through
/// as the trial (the others still fail fast). A trial that succeeds closes the breaker (verified); a failed ping or
/// trial keeps it open for another period. Still open after <see cref="CircuitBreakerPlaybookOptions.VerifySeconds"/>:
/// unverified, undone (closed: calls reach the server again) and escalated to the approver.
/// </summary>
public sealed class McpCircuitBreakerPlaybook : Playbook, IMcpCallGuard
{
    private readonly CircuitBreakerPlaybookOptions _options;
    private readonly Dictionary<McpServerConnection, Breaker> _open = [];
    private ReactorEngine? _engine;
    private SlidingCounter? _failures;
    private SlidingCounter? _successes;

    internal McpCircuitBreakerPlaybook(CircuitBreakerPlaybookOptions options) : base("mcp_circuit_breaker", options.Enabled) => _options = options;

    internal override void Start(ReactorEngine engine)
    {
        _engine = engine;
        _failures = new SlidingCounter(TimeSpan.FromSeconds(_options.WindowSeconds), engine.Time);
        _successes = new SlidingCounter(TimeSpan.FromSeconds(_options.WindowSeconds), engine.Time);
    }

    /// <summary>Whether the breaker of the MCP server named <paramref name="server"/> is open (or half-open) now.</summary>
    public bool IsOpen(string server)
    {
        lock (_open)
        {
            return _open.Keys.Any(s => s.Name == server);
        }
    }

    BackendFailedException? IMcpCallGuard.Admit(McpServerConnection server)
    {
        var engine = _engine;
        if (engine is null)
        {
            return null;
        }
        lock (_open)
        {
            if (!_open.TryGetValue(server, out var breaker))
            {
                return null;
            }
            if (breaker.HalfOpen && !breaker.TrialSent)
            {
                breaker.TrialSent = true; // this call is the trial
                return null;
            }
            var wait = breaker.ProbeAt - engine.Time.GetUtcNow();
            if (wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }
            return new BackendFailedException(
                $"MCP server '{server.Name}' has its circuit breaker open (case {breaker.Case}: its calls kept failing); the call was not sent. Retry after {Math.Ceiling(wait.TotalSeconds):0} s, when the server is probed again.")
            { RetryAfter = wait };
        }
    }

    void IMcpCallGuard.Ended(McpServerConnection server, string? failure)
    {
        var engine = _engine;
        if (engine is null)
        {
            return;
        }
        Breaker? trial = null;
        lock (_open)
        {
            if (_open.TryGetValue(server, out var breaker))
            {
                if (!breaker.HalfOpen || !breaker.TrialSent)
                {
                    return; // a call sent before it opened
                }
                trial = breaker;
            }
        }
        if (trial is not null)
        {
            if (failure is null)
            {
                Close(trial, ReactorStage.Verified, "half-open trial call succeeded: closed, calls reach the server again");
            }
            else
            {
                Reopen(trial, $"the half-open trial call failed ({failure})");
            }
            return;
        }
        if (failure is null)
        {
            _successes!.Add(server.Name);
            return;
        }
        int failures = _failures!.Add(server.Name);
        int successes = _successes!.Count(server.Name);
        if (failures < _options.Failures || failures < _options.FailureRatio * (failures + successes))
        {
            return;
        }
        _failures.Clear(server.Name);
        long number = engine.NewCase();
        engine.Record(Name, ReactorStage.Triggered, number, ResourceKind.Tool, server.Group, null, 0,
            $"{failures} failed calls and {successes} answered within {_options.WindowSeconds:0.###} s (last: {failure})");
        if (!engine.TryAct(Name, number, ResourceKind.Tool, server.Group, null))
        {
            return;
        }
        var now = engine.Time.GetUtcNow();
        var opened = new Breaker(number, server, now) { ProbeAt = now + TimeSpan.FromSeconds(_options.OpenSeconds) };
        lock (_open)
        {
            if (!_open.TryAdd(server, opened))
            {
                return;
            }
        }
        Interlocked.Increment(ref OpenCases);
        engine.Record(Name, ReactorStage.Acted, number, ResourceKind.Tool, server.Group, null, 0,
            $"opened: calls of '{server.Name}' fail at once; half-open probe in {_options.OpenSeconds:0.###} s");
        Arm(opened);
    }

    private void Arm(Breaker breaker)
    {
        var engine = _engine!;
        breaker.Timer?.Dispose();
        breaker.Timer = engine.Time.CreateTimer(static state =>
        {
            var (playbook, b) = ((McpCircuitBreakerPlaybook, Breaker))state!;
            _ = playbook.ProbeAsync(b);
        }, (this, breaker), TimeSpan.FromSeconds(_options.OpenSeconds), Timeout.InfiniteTimeSpan);
    }

    // Half-open: the server must answer a ping (bounded by the open time); then one call may go through as the trial.
    private async Task ProbeAsync(Breaker breaker)
    {
        var engine = _engine!;
        if (engine.Stopping.IsCancellationRequested)
        {
            return;
        }
        string? failure;
        try
        {
            failure = await breaker.Server.PingAsync(TimeSpan.FromSeconds(_options.OpenSeconds), engine.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the kernel is stopping
        }
        if (failure is not null)
        {
            Reopen(breaker, $"the half-open ping failed ({failure})");
            return;
        }
        lock (_open)
        {
            if (!_open.ContainsKey(breaker.Server))
            {
                return;
            }
            breaker.HalfOpen = true;
            breaker.TrialSent = false;
        }
        engine.Record(Name, ReactorStage.Suppressed, breaker.Case, ResourceKind.Tool, breaker.Server.Group, null, 0,
            "half-open: the server answered a ping; the next call goes through as the trial");
    }

    private void Reopen(Breaker breaker, string why)
    {
        var engine = _engine!;
        var now = engine.Time.GetUtcNow();
        if (now - breaker.OpenedAt >= TimeSpan.FromSeconds(_options.VerifySeconds))
        {
            engine.Record(Name, ReactorStage.Unverified, breaker.Case, ResourceKind.Tool, breaker.Server.Group, null, 0,
                $"still failing {_options.VerifySeconds:0.###} s after it opened ({why})");
            Close(breaker, ReactorStage.Undone, "undone: closed again, calls reach the server (and fail as it fails) until a human decides");
            engine.Escalate(Name, breaker.Case, ResourceKind.Tool, breaker.Server.Group, null,
                $"MCP server '{breaker.Server.Name}' kept failing for {_options.VerifySeconds:0.###} s with its breaker open; its calls reach it again. Fix or remove the server.");
            return;
        }
        lock (_open)
        {
            if (!_open.ContainsKey(breaker.Server))
            {
                return;
            }
            breaker.HalfOpen = false;
            breaker.ProbeAt = now + TimeSpan.FromSeconds(_options.OpenSeconds);
        }
        engine.Record(Name, ReactorStage.Suppressed, breaker.Case, ResourceKind.Tool, breaker.Server.Group, null, 0,
            $"{why}; stays open, next probe in {_options.OpenSeconds:0.###} s");
        Arm(breaker);
    }

    private void Close(Breaker breaker, ReactorStage stage, string detail)
    {
        lock (_open)
        {
            if (!_open.Remove(breaker.Server))
            {
                return;
            }
        }
        breaker.Timer?.Dispose();
        _failures!.Clear(breaker.Server.Name);
        _successes!.Clear(breaker.Server.Name);
        Interlocked.Decrement(ref OpenCases);
        _engine!.Record(Name, stage, breaker.Case, ResourceKind.Tool, breaker.Server.Group, null, 0, detail);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        lock (_open)
        {
            foreach (var breaker in _open.Values)
            {
                breaker.Timer?.Dispose();
            }
        }
        base.Dispose();
    }

    private sealed class Breaker(long @case, McpServerConnection server, DateTimeOffset openedAt)
    {
        public long Case { get; } = @case;
        public McpServerConnection Server { get; } = server;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public DateTimeOffset ProbeAt { get; set; }
        public bool HalfOpen { get; set; }
        public bool TrialSent { get; set; }
        public ITimer? Timer { get; set; }
    }
}
