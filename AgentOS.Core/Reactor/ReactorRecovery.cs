using System.Collections.Concurrent;
using AgentOS.Access;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Reactor;

/// <summary>
/// The Reactor's side of the router's recovery seam: every failed syscall is offered here before its caller sees the
/// error; failover takes those whose backend is marked down, retry the transient rest. One case per syscall: the
/// playbook that first acted on it verifies it when it ends.
/// </summary>
internal sealed class ReactorRecovery : ISyscallRecovery, Llm.ILlmRunWatch
{
    private readonly ReactorEngine _engine;
    private readonly SlidingCounter _budget;
    private readonly ConcurrentDictionary<long, Case> _cases = new();

    public ReactorRecovery(ReactorEngine engine, RetryPlaybookOptions retry, FailoverPlaybookOptions failover)
    {
        _engine = engine;
        Retry = new RetryPlaybook(retry);
        Failover = new FailoverPlaybook(failover);
        _budget = new SlidingCounter(TimeSpan.FromMinutes(1), engine.Time);
    }

    public RetryPlaybook Retry { get; }

    public FailoverPlaybook Failover { get; }

    /// <summary>Failover's patience with a run that has not answered (<c>reactor.failover.move_after_ms</c>), or null.</summary>
    public TimeSpan? MoveAfter { get; init; }

    TimeSpan Llm.ILlmRunWatch.Patience => MoveAfter ?? TimeSpan.Zero;

    // A stuck run is given up only when it can move: attempts and budget remain, and another backend serving its model
    // is up and not held (checked when the patience runs out, not when the run starts).
    ITimer? Llm.ILlmRunWatch.Watch(Syscall syscall, string backend, Action giveUp)
    {
        if (MoveAfter is not { } after || !Failover.Enabled || syscall.Attempt + 1 >= Retry.MaxAttempts)
        {
            return null;
        }
        return _engine.Time.CreateTimer(static state =>
        {
            var (self, stuck, on, act) = ((ReactorRecovery, Syscall, string, Action))state!;
            if (self._budget.Count("retries") < self.Retry.BudgetPerMinute && self._engine.Llm.Alternative(stuck.Request.Llm!, stuck.Request.AgentId, on) is not null)
            {
                act();
            }
        }, (this, syscall, backend, giveUp), after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Retries and failovers in the last minute (the budget's use).</summary>
    public int BudgetUsed => _budget.Count("retries");

    public SyscallRetry? Decide(in SyscallFailure failure)
    {
        try
        {
            var decision = Choose(failure);
            if (decision is null && failure.Attempt == 0)
            {
                Ended(failure); // a first failure it does not retry ends now: the router reports only retried syscalls' ends
            }
            return decision;
        }
        catch (Exception ex)
        {
            // The Reactor must never turn one failure into another: report its own fault and let the syscall fail as it did.
            _engine.Record(Retry.Name, ReactorStage.Unverified, 0, Resource(failure.Kind), failure.Target, failure.AgentId, failure.SyscallId,
                $"the Reactor failed deciding on this failure ({ex.GetType().Name}: {ex.Message}); the caller gets the original error");
            return null;
        }
    }

    private SyscallRetry? Choose(in SyscallFailure failure)
    {
        if (Failover.Enabled && failure.Kind == SyscallKind.Llm && failure.Target is { } backend && _engine.Llm.IsDown(backend) && failure.Error is BackendFailedException)
        {
            return FailOver(failure, backend);
        }
        // A transient failure (a 429, a 500, a timeout, a cut stream) with another backend serving the model that is
        // up and not held: run it there at once rather than wait out this backend's Retry-After or backoff.
        if (Failover.Enabled && Retry.Enabled && failure.Kind == SyscallKind.Llm && failure.Target is { } failed && RetryPlaybook.Transient(failure)
            && _engine.Llm.Alternative(failure.Request.Llm!, failure.AgentId, failed) is { } other)
        {
            return MoveAtOnce(failure, failed, other.Name);
        }
        return Retry.Enabled && RetryPlaybook.Transient(failure) ? RetryLater(failure) : null;
    }

    public void Ended(in SyscallFailure outcome)
    {
        if (!_cases.TryRemove(outcome.SyscallId, out var c))
        {
            return;
        }
        Interlocked.Decrement(ref c.Owner.OpenCases);
        _engine.Record(c.Owner.Name, outcome.Error is null ? ReactorStage.Verified : ReactorStage.Unverified, c.Number, Resource(outcome.Kind), outcome.Target, outcome.AgentId, outcome.SyscallId,
            outcome.Error is null
                ? $"completed after {outcome.Attempt} {(outcome.Attempt == 1 ? "retry" : "retries")}"
                : $"failed for good after {outcome.Attempt} {(outcome.Attempt == 1 ? "retry" : "retries")} ({outcome.Error.Code}); the caller gets the error");
    }

    private SyscallRetry? FailOver(in SyscallFailure failure, string backend)
    {
        var c = Open(failure, Failover);
        _engine.Record(Failover.Name, ReactorStage.Triggered, c.Number, ResourceKind.Llm, backend, failure.AgentId, failure.SyscallId,
            $"its backend '{backend}' is marked down ({failure.Error!.Code})");
        string target;
        try
        {
            target = _engine.Llm.Route(failure.Request.Llm!, failure.AgentId).Name;
        }
        catch (SyscallException ex)
        {
            _engine.Record(Failover.Name, ReactorStage.Suppressed, c.Number, ResourceKind.Llm, backend, failure.AgentId, failure.SyscallId, $"no other backend can take it: {ex.Message}");
            return null;
        }
        if (!Affordable(failure, Failover, c))
        {
            return null;
        }
        _engine.Record(Failover.Name, ReactorStage.Acted, c.Number, ResourceKind.Llm, target, failure.AgentId, failure.SyscallId, $"moved from '{backend}' to '{target}'");
        c.TakeOver(Failover);
        return new SyscallRetry(TimeSpan.Zero, target);
    }

    private SyscallRetry? MoveAtOnce(in SyscallFailure failure, string failed, string target)
    {
        var c = Open(failure, Failover);
        var error = failure.Error!;
        _engine.Record(Failover.Name, ReactorStage.Triggered, c.Number, ResourceKind.Llm, failed, failure.AgentId, failure.SyscallId,
            $"run {failure.Attempt + 1} failed on '{failed}': {error.Code}{(error.RetryAfter is { } after ? $", retry after {after.TotalMilliseconds:0} ms" : "")} ({error.Message}); '{target}' serves its model and is free");
        if (!Affordable(failure, Failover, c))
        {
            return null;
        }
        _engine.Record(Failover.Name, ReactorStage.Acted, c.Number, ResourceKind.Llm, target, failure.AgentId, failure.SyscallId, $"run {failure.Attempt + 2} moved from '{failed}' to '{target}' at once");
        c.TakeOver(Failover);
        return new SyscallRetry(TimeSpan.Zero, target);
    }

    private SyscallRetry? RetryLater(in SyscallFailure failure)
    {
        var c = Open(failure, Retry);
        var resource = Resource(failure.Kind);
        var error = failure.Error!;
        _engine.Record(Retry.Name, ReactorStage.Triggered, c.Number, resource, failure.Target, failure.AgentId, failure.SyscallId,
            $"run {failure.Attempt + 1} failed: {error.Code}{(error.RetryAfter is { } after ? $" (retry after {after.TotalMilliseconds:0} ms)" : "")}");
        if (!Affordable(failure, Retry, c))
        {
            return null;
        }
        var delay = Retry.Delay(failure.Attempt, error.RetryAfter);
        if (failure.Deadline is { } deadline && _engine.Time.GetUtcNow() + delay >= deadline)
        {
            _engine.Record(Retry.Name, ReactorStage.Suppressed, c.Number, resource, failure.Target, failure.AgentId, failure.SyscallId,
                $"a retry in {delay.TotalMilliseconds:0} ms would end after the syscall's deadline ({deadline:O})");
            return null;
        }
        _budget.Add("retries");
        _engine.Record(Retry.Name, ReactorStage.Acted, c.Number, resource, failure.Target, failure.AgentId, failure.SyscallId, $"run {failure.Attempt + 2} in {delay.TotalMilliseconds:0} ms");
        c.TakeOver(Retry);
        return new SyscallRetry(delay);
    }

    // Within the syscall's attempts and the minute's budget; the budget is taken only by a retry that happens.
    private bool Affordable(in SyscallFailure failure, Playbook playbook, Case c)
    {
        string? why = failure.Attempt + 1 >= Retry.MaxAttempts ? $"it has run {failure.Attempt + 1} times, the most reactor.retry.max_attempts allows"
            : _budget.Count("retries") >= Retry.BudgetPerMinute ? $"the retry budget ({Retry.BudgetPerMinute} a minute) is spent"
            : null;
        if (why is null)
        {
            if (playbook == Failover)
            {
                _budget.Add("retries");
            }
            return true;
        }
        _engine.Record(playbook.Name, ReactorStage.Suppressed, c.Number, Resource(failure.Kind), failure.Target, failure.AgentId, failure.SyscallId, why);
        return false;
    }

    // The syscall's case: opened by the first playbook that sees it fail, kept across its attempts; the playbook that
    // acted last owns it, and its action is what the syscall's end verifies.
    private Case Open(in SyscallFailure failure, Playbook playbook)
    {
        if (_cases.TryGetValue(failure.SyscallId, out var existing))
        {
            return existing;
        }
        var c = new Case(_engine.NewCase(), playbook);
        _cases[failure.SyscallId] = c;
        Interlocked.Increment(ref playbook.OpenCases);
        return c;
    }

    private static ResourceKind Resource(SyscallKind kind) => kind switch
    {
        SyscallKind.Memory => ResourceKind.Memory,
        SyscallKind.Storage => ResourceKind.Storage,
        SyscallKind.Tool => ResourceKind.Tool,
        _ => ResourceKind.Llm,
    };

    private sealed class Case(long number, Playbook owner)
    {
        public long Number { get; } = number;

        public Playbook Owner { get; private set; } = owner;

        public void TakeOver(Playbook playbook)
        {
            if (playbook != Owner)
            {
                Interlocked.Decrement(ref Owner.OpenCases);
                Interlocked.Increment(ref playbook.OpenCases);
                Owner = playbook;
            }
        }
    }
}
