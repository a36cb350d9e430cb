using AgentOS.Access;
using AgentOS.Events;
using AgentOS.Llm;

namespace AgentOS.Reactor;

/// <summary>
/// The Reactor: automatic repair driven by the event bus. It runs the built-in playbooks (retry of transient failures,
/// a circuit breaker per LLM backend, failover), reports every step of every case as a <see cref="ReactorEvent"/> and
/// an audit record, holds state-changing actions under a global fuse, and escalates what does not verify to the
/// kernel's approver.
/// </summary>
/// <remarks>It acts on the managers only through their public faces (<see cref="LlmRouter.MarkDown"/>,
/// <see cref="LlmRouter.MarkUp"/>, a backend's own <see cref="ILlmBackend.GenerateAsync"/> for a probe) and, for
/// retries and failovers, through the syscall router's recovery seam. Thread-safe.</remarks>
public sealed partial class ReactorEngine : IDisposable
{
    private static readonly int Stages = Enum.GetValues<ReactorStage>().Length;

    private readonly EventChannel<ReactorEvent> _channel;
    private readonly AuditLog _audit;
    private readonly IApprover _approver;
    private readonly SlidingCounter _fuse;
    private readonly Queue<ReactorEvent> _recent = new();
    private readonly Dictionary<string, long[]> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<int> _retriesPending;
    private long _cases;
    private long _escalations;
    private long _auditFailures;

    internal ReactorEngine(ReactorOptions options, EventBus bus, TimeProvider time, AuditLog audit, IApprover approver, LlmRouter llm, Func<int> retriesPending)
    {
        options.Validate();
        Options = options;
        Time = time;
        Bus = bus;
        Llm = llm;
        _audit = audit;
        _approver = approver;
        _retriesPending = retriesPending;
        _fuse = new SlidingCounter(TimeSpan.FromMinutes(1), time);
        bus.Types.Register(ReactorEvent.TypeName, Serialization.AgentOSJsonContext.Default.ReactorEvent);
        _channel = bus.GetChannel<ReactorEvent>();
        Recovery = new ReactorRecovery(this, options.Retry, options.Failover) { MoveAfter = options.Failover.MoveAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
        Runaway = new RunawayPlaybook(options.Runaway);
        StorageRepair = new StorageCorruptionPlaybook(options.StorageCorruption);
        MemoryPressure = new MemoryPressurePlaybook(options.MemoryPressure);
        McpBreaker = new McpCircuitBreakerPlaybook(options.McpCircuitBreaker);
        Durable = new DurablePlaybook(options.Durable);
        Playbooks = [Recovery.Retry, Recovery.Failover, new CircuitBreakerPlaybook(options.CircuitBreaker), McpBreaker, Runaway, StorageRepair, MemoryPressure, Durable];
        foreach (var playbook in Playbooks)
        {
            _counts[playbook.Name] = new long[Stages];
        }
        foreach (var playbook in Playbooks.Where(p => p.Enabled))
        {
            playbook.Start(this);
        }
    }

    /// <summary>The settings it runs with.</summary>
    public ReactorOptions Options { get; }

    /// <summary>The playbooks, enabled or not.</summary>
    public IReadOnlyList<Playbook> Playbooks { get; }

    internal ReactorRecovery Recovery { get; }

    /// <summary>The storage corruption playbook: the versions it quarantined.</summary>
    public StorageCorruptionPlaybook StorageRepair { get; }

    /// <summary>The circuit breaker per MCP server.</summary>
    public McpCircuitBreakerPlaybook McpBreaker { get; }

    /// <summary>The memory pressure playbook: evicting ahead of agents' memory quotas.</summary>
    public MemoryPressurePlaybook MemoryPressure { get; }

    /// <summary>The durable-agents playbook (Reactor/Durable): restarts of cut durable runs.</summary>
    public DurablePlaybook Durable { get; }

    /// <summary>The runaway playbook: the agents it paused.</summary>
    public RunawayPlaybook Runaway { get; }

    /// <summary>Resumes an agent the runaway playbook paused (an operator's decision; the case is recorded as undone).</summary>
    /// <returns><see langword="false"/> if the agent is not paused.</returns>
    public bool Resume(string agentId, string by = "operator") =>
        Runaway.Resume(agentId, ReactorStage.Undone, $"resumed by {by}");

    internal TimeProvider Time { get; }

    internal EventBus Bus { get; }

    internal LlmRouter Llm { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Counters, the fuse and the recent events.</summary>
    public ReactorStatus Status
    {
        get
        {
            lock (_recent)
            {
                return new ReactorStatus(Options.ActionsPerMinute, _fuse.Count("actions"), _retriesPending(),
                    [.. Playbooks.Select(p =>
                    {
                        var c = _counts[p.Name];
                        return new PlaybookStatus(p.Name, p.Enabled, c[(int)ReactorStage.Triggered], c[(int)ReactorStage.Acted], c[(int)ReactorStage.Verified],
                            c[(int)ReactorStage.Unverified], c[(int)ReactorStage.Undone], c[(int)ReactorStage.Escalated], c[(int)ReactorStage.Suppressed], p.Open);
                    })],
                    [.. _recent], Interlocked.Read(ref _auditFailures));
            }
        }
    }

    /// <summary>A new case number.</summary>
    internal long NewCase() => Interlocked.Increment(ref _cases);

    /// <summary>Takes one action from the global fuse; when it is spent, records the case as suppressed and says no.</summary>
    internal bool TryAct(string playbook, long @case, ResourceKind resource, string? target, string? agent)
    {
        if (_fuse.TryAdd("actions", Options.ActionsPerMinute))
        {
            return true;
        }
        Record(playbook, ReactorStage.Suppressed, @case, resource, target, agent, 0, $"the global fuse ({Options.ActionsPerMinute} actions a minute) is spent; not acting");
        return false;
    }

    /// <summary>Reports one step: an event on the bus, an audit record, a line in the status.</summary>
    internal void Record(string playbook, ReactorStage stage, long @case, ResourceKind resource, string? target, string? agent, long syscallId, string detail)
    {
        var now = Time.GetUtcNow();
        var e = new ReactorEvent(playbook, stage, @case, target, agent, syscallId, detail, now);
        lock (_recent)
        {
            _counts[playbook][(int)stage]++;
            if (Options.RecentEvents > 0)
            {
                if (_recent.Count == Options.RecentEvents)
                {
                    _recent.Dequeue();
                }
                _recent.Enqueue(e);
            }
        }
        _channel.Publish(in e);
        var record = new AuditRecord(now, agent ?? "reactor", resource, resource == ResourceKind.Tool ? AccessOperation.Call : AccessOperation.Generate, target,
            AuditDecision.Reactor, Message: $"{playbook} {stage.ToString().ToLowerInvariant()} (case {@case}{(syscallId == 0 ? "" : $", syscall {syscallId}")}): {detail}", Approver: "reactor");
        Task written;
        try
        {
            written = _audit.RecordDurableAsync(record);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _auditFailures); // the kernel is stopping: the event above still reported it
            return;
        }
        if (!written.IsCompletedSuccessfully)
        {
            // Group-committed with the audit log's next batch; a failure is counted in the status, never dropped silently.
            written.ContinueWith(static (t, state) => Interlocked.Increment(ref ((ReactorEngine)state!)._auditFailures), this,
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Sends a case that did not verify to the approver and records the answer; <paramref name="answered"/>
    /// runs with it (true: approved).</summary>
    internal void Escalate(string playbook, long @case, ResourceKind resource, string? target, string? agent, string summary, Action<bool>? answered = null)
    {
        Record(playbook, ReactorStage.Escalated, @case, resource, target, agent, 0, summary);
        _ = AskAsync(playbook, @case, resource, target, agent, summary, answered);
    }

    private async Task AskAsync(string playbook, long @case, ResourceKind resource, string? target, string? agent, string summary, Action<bool>? answered)
    {
        // Escalations carry negative ids, apart from the access manager's approval requests.
        long id = -Interlocked.Increment(ref _escalations);
        var request = new ApprovalRequest(id, new AccessRequest(agent ?? "reactor", resource, AccessOperation.Call, target), Time.GetUtcNow())
        {
            Summary = $"the Reactor's {playbook} playbook escalates case {@case}: {summary}",
        };
        ApprovalResult result;
        try
        {
            result = await _approver.RequestAsync(request, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the kernel stopped before anyone answered
        }
        catch (Exception ex)
        {
            Record(playbook, ReactorStage.Answered, @case, resource, target, agent, 0, $"the approver failed: {ex.GetType().Name}: {ex.Message}");
            return;
        }
        Record(playbook, ReactorStage.Answered, @case, resource, target, agent, 0,
            $"{(result.Approved ? "approved" : "denied")} by {result.Approver}{(result.Reason is { } reason ? $": {reason}" : "")}");
        answered?.Invoke(result.Approved);
    }

    /// <summary>Stops the playbooks' subscriptions and timers and ends pending escalations.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var playbook in Playbooks)
        {
            playbook.Dispose();
        }
        // The source is not disposed: escalations still in flight read its (cancelled) token.
    }
}
