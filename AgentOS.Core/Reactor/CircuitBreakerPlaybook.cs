using AgentOS.Access;
using AgentOS.Events;
using AgentOS.Llm;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Reactor;

/// <summary>
/// The circuit breaker per LLM backend (<c>circuit_breaker</c>). Trigger: <see cref="SyscallEvent"/>s of LLM runs
/// that failed <c>backend_failed</c> (errors, timeouts, cut streams) on one backend, at least
/// <see cref="CircuitBreakerPlaybookOptions.Failures"/> within the window. Action (under the global fuse): open — mark
/// the backend down, so its queued and new syscalls fail over at once — unless no other backend that is up serves its
/// models (then opening would only turn slow failures into fast ones for every caller). Half-open: after
/// <see cref="CircuitBreakerPlaybookOptions.OpenSeconds"/> one small probe goes straight to the backend; success
/// closes the breaker (marks it up): verified. Probes that keep failing past
/// <see cref="CircuitBreakerPlaybookOptions.VerifySeconds"/>: unverified, undone (marked up again, back to the
/// kernel's Retry-After holds and the retry playbook) and escalated to the approver.
/// </summary>
public sealed class CircuitBreakerPlaybook : Playbook
{
    private readonly CircuitBreakerPlaybookOptions _options;
    private readonly Dictionary<string, Breaker> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _coolUntil = new(StringComparer.Ordinal);
    private ReactorEngine? _engine;
    private SlidingCounter? _failures;
    private SlidingCounter? _successes;
    private EventSubscription? _subscription;

    internal CircuitBreakerPlaybook(CircuitBreakerPlaybookOptions options) : base("circuit_breaker", options.Enabled) => _options = options;

    internal override void Start(ReactorEngine engine)
    {
        _engine = engine;
        _failures = new SlidingCounter(TimeSpan.FromSeconds(_options.WindowSeconds), engine.Time);
        _successes = new SlidingCounter(TimeSpan.FromSeconds(_options.WindowSeconds), engine.Time);
        _subscription = engine.Bus.Subscribe<SyscallEvent>(OnEvent, new SubscriptionOptions { Name = "reactor.circuit_breaker" });
    }

    /// <summary>Whether the breaker of <paramref name="backend"/> is open now.</summary>
    public bool IsOpen(string backend)
    {
        lock (_open)
        {
            return _open.ContainsKey(backend);
        }
    }

    private void OnEvent(SyscallEvent e)
    {
        if (e is { Kind: SyscallKind.Llm, Stage: SyscallStage.Completed, Target: { } served })
        {
            _successes!.Add(served);
            return;
        }
        if (e is not { Kind: SyscallKind.Llm, Stage: SyscallStage.Failed or SyscallStage.Retrying, Error: "backend_failed", Target: { } backend })
        {
            return;
        }
        var engine = _engine!;
        long now = engine.Time.GetTimestamp();
        lock (_open)
        {
            if (_open.ContainsKey(backend) || (_coolUntil.TryGetValue(backend, out long until) && now < until))
            {
                return;
            }
        }
        int failures = _failures!.Add(backend);
        int successes = _successes!.Count(backend);
        if (failures < _options.Failures || failures < _options.FailureRatio * (failures + successes))
        {
            return;
        }
        _failures.Clear(backend);
        long number = engine.NewCase();
        engine.Record(Name, ReactorStage.Triggered, number, ResourceKind.Llm, backend, null, e.SyscallId,
            $"{failures} failed runs (backend_failed) and {successes} completed within {_options.WindowSeconds:0.###} s");
        if (!HasAlternative(engine.Llm, backend))
        {
            engine.Record(Name, ReactorStage.Suppressed, number, ResourceKind.Llm, backend, null, 0, "no other backend that is up serves its models; not opening (retries continue)");
            return;
        }
        if (!engine.TryAct(Name, number, ResourceKind.Llm, backend, null))
        {
            return;
        }
        var breaker = new Breaker(number, backend, engine.Time.GetUtcNow());
        lock (_open)
        {
            if (!_open.TryAdd(backend, breaker))
            {
                return;
            }
        }
        Interlocked.Increment(ref OpenCases);
        engine.Llm.MarkDown(backend, $"circuit breaker open (case {number}: {failures} failures within {_options.WindowSeconds:0.###} s)");
        engine.Record(Name, ReactorStage.Acted, number, ResourceKind.Llm, backend, null, 0, $"opened: '{backend}' marked down; half-open probe in {_options.OpenSeconds:0.###} s");
        Arm(breaker);
    }

    private static bool HasAlternative(LlmRouter llm, string name)
    {
        var backend = llm.Get(name);
        return llm.Backends.Any(other => other != backend && !llm.IsDown(other.Name)
            && (backend.Models.Count == 0 || backend.Models.Any(m => other.Models.Contains(m, StringComparer.Ordinal))));
    }

    private void Arm(Breaker breaker)
    {
        var engine = _engine!;
        breaker.Timer?.Dispose();
        breaker.Timer = engine.Time.CreateTimer(static state =>
        {
            var (playbook, b) = ((CircuitBreakerPlaybook, Breaker))state!;
            _ = playbook.ProbeAsync(b);
        }, (this, breaker), TimeSpan.FromSeconds(_options.OpenSeconds), Timeout.InfiniteTimeSpan);
    }

    // Half-open: one small request straight to the backend, bounded by the open time so a hung backend cannot stall it.
    private async Task ProbeAsync(Breaker breaker)
    {
        var engine = _engine!;
        if (engine.Stopping.IsCancellationRequested)
        {
            return;
        }
        string? failure = null;
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(_options.OpenSeconds), engine.Time))
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, engine.Stopping))
        {
            try
            {
                var backend = engine.Llm.Get(breaker.Backend);
                await backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("ping")], MaxTokens = 1 }, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (engine.Stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failure = ex is OperationCanceledException ? $"no answer within {_options.OpenSeconds:0.###} s" : $"{ex.GetType().Name}: {ex.Message}";
            }
        }
        if (failure is null)
        {
            Close(breaker, ReactorStage.Verified, "half-open probe succeeded: closed, the backend is marked up");
            return;
        }
        if (engine.Time.GetUtcNow() - breaker.OpenedAt < TimeSpan.FromSeconds(_options.VerifySeconds))
        {
            engine.Record(Name, ReactorStage.Suppressed, breaker.Case, ResourceKind.Llm, breaker.Backend, null, 0, $"half-open probe failed ({failure}); stays open, next probe in {_options.OpenSeconds:0.###} s");
            Arm(breaker);
            return;
        }
        engine.Record(Name, ReactorStage.Unverified, breaker.Case, ResourceKind.Llm, breaker.Backend, null, 0, $"still failing {_options.VerifySeconds:0.###} s after it opened (last probe: {failure})");
        Close(breaker, ReactorStage.Undone, "undone: the backend is marked up again (Retry-After holds and retries handle it) until a human decides");
        engine.Escalate(Name, breaker.Case, ResourceKind.Llm, breaker.Backend, null,
            $"LLM backend '{breaker.Backend}' kept failing for {_options.VerifySeconds:0.###} s with its breaker open; it was marked up again. Approve to mark it down until an operator marks it up.",
            approved =>
            {
                if (approved)
                {
                    engine.Llm.MarkDown(breaker.Backend, $"marked down by the approver on the Reactor's escalation (case {breaker.Case})");
                }
            });
    }

    private void Close(Breaker breaker, ReactorStage stage, string detail)
    {
        var engine = _engine!;
        lock (_open)
        {
            if (!_open.Remove(breaker.Backend))
            {
                return;
            }
            _coolUntil[breaker.Backend] = engine.Time.GetTimestamp() + (long)(_options.CooldownSeconds * engine.Time.TimestampFrequency);
        }
        breaker.Timer?.Dispose();
        Interlocked.Decrement(ref OpenCases);
        engine.Llm.MarkUp(breaker.Backend);
        engine.Record(Name, stage, breaker.Case, ResourceKind.Llm, breaker.Backend, null, 0, detail);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _subscription?.Dispose();
        lock (_open)
        {
            foreach (var breaker in _open.Values)
            {
                breaker.Timer?.Dispose();
            }
        }
        base.Dispose();
    }

    private sealed class Breaker(long @case, string backend, DateTimeOffset openedAt)
    {
        public long Case { get; } = @case;
        public string Backend { get; } = backend;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public ITimer? Timer { get; set; }
    }
}
