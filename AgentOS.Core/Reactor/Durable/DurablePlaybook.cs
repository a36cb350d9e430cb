using AgentOS.Access;

namespace AgentOS.Reactor;

/// <summary>
/// Durable agents (<c>durable</c>). Trigger: a durable run was cut, by a fault in its agent's code (an exception) or
/// by the kernel's death (found unfinished in the journal when the kernel is opened again). Action: the run restarts
/// from its journal: its agent's code runs again from the start, the steps the journal holds results for return them
/// without running, and the first step without one runs. Verified when the run completes. A run that keeps faulting
/// (<see cref="DurablePlaybookOptions.MaxAttempts"/> runs), that diverges from its journal, or whose cut step may have
/// acted and cannot safely run again, is stopped and escalated to the approver.
/// </summary>
public sealed class DurablePlaybook : Playbook
{
    private ReactorEngine? _engine;

    internal DurablePlaybook(DurablePlaybookOptions options) : base("durable", options.Enabled) => Options = options;

    /// <summary>Its settings.</summary>
    public DurablePlaybookOptions Options { get; }

    internal override void Start(ReactorEngine engine) => _engine = engine;

    /// <summary>Records a restart (opening the case on the first) and returns the case.</summary>
    internal long Restarting(DurableRunRecord run, string reason, long @case, int attempt)
    {
        var engine = _engine!;
        if (@case == 0)
        {
            @case = engine.NewCase();
            Interlocked.Increment(ref OpenCases);
        }
        engine.Record(Name, ReactorStage.Triggered, @case, ResourceKind.Tool, run.RunId, run.Agent, 0, $"durable run {run.RunId} of agent '{run.Agent}' was cut: {reason}");
        engine.Record(Name, ReactorStage.Acted, @case, ResourceKind.Tool, run.RunId, run.Agent, 0,
            $"restarted from its journal (attempt {attempt} of {Options.MaxAttempts}): journaled steps return their results without running");
        return @case;
    }

    /// <summary>Reports a workspace step (a checkpoint restored, or one not taken) on the run's case, or a new one.</summary>
    internal void Report(DurableRunRecord run, long @case, ReactorStage stage, string detail) =>
        _engine!.Record(Name, stage, @case == 0 ? _engine.NewCase() : @case, ResourceKind.Tool, run.RunId, run.Agent, 0, $"durable run {run.RunId}: {detail}");

    /// <summary>A restarted run completed: the case is verified.</summary>
    internal void Completed(DurableRunRecord run, long @case, int replayed, int executed)
    {
        if (@case == 0)
        {
            return;
        }
        Interlocked.Decrement(ref OpenCases);
        _engine!.Record(Name, ReactorStage.Verified, @case, ResourceKind.Tool, run.RunId, run.Agent, 0,
            $"completed after {run.Attempts} attempts: {replayed} steps replayed from the journal, {executed} run");
    }

    /// <summary>The run cannot go on by itself (it keeps faulting, diverged, or a cut step is in doubt): escalated;
    /// <paramref name="answered"/> runs with the approver's answer.</summary>
    internal void Escalate(DurableRunRecord run, long @case, string reason, string summary, Action<bool> answered)
    {
        var engine = _engine!;
        if (@case == 0)
        {
            @case = engine.NewCase();
            engine.Record(Name, ReactorStage.Triggered, @case, ResourceKind.Tool, run.RunId, run.Agent, 0, $"durable run {run.RunId} of agent '{run.Agent}': {reason}");
        }
        else
        {
            Interlocked.Decrement(ref OpenCases);
            engine.Record(Name, ReactorStage.Unverified, @case, ResourceKind.Tool, run.RunId, run.Agent, 0, reason);
        }
        engine.Escalate(Name, @case, ResourceKind.Tool, run.RunId, run.Agent, summary, answered);
    }
}
