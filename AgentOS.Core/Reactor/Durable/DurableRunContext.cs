using AgentOS.Syscalls;
using AgentOS.Tools;

namespace AgentOS.Reactor;

/// <summary>One attempt of a durable run: its journal as read when the attempt started, and what the port needs to
/// decide each step.</summary>
internal sealed class DurableRunContext(DurableRuns runs, DurableRunRecord record, Dictionary<int, DurableStepRecord> steps)
{
    public string RunId => record.RunId;

    public DurableRunRecord Record => record;

    public DurableJournal Journal => runs.Journal;

    public IReadOnlyDictionary<int, DurableStepRecord> Steps => steps;

    /// <summary>The in-doubt step the approver allowed to run again, if any.</summary>
    public int? ApprovedInDoubtStep => record.InDoubtApproved ? record.InDoubtStep : null;

    public DurableWorkspace? Workspace { get; init; }

    public ToolDefinition? FindTool(string name) => runs.Tools.Find(name);

    /// <summary>The agent asked for something else at <paramref name="step"/> than its journal holds.</summary>
    public DurableRunException Diverged(int step, DurableStepRecord recorded, SyscallKind kind, string asked)
    {
        string what = recorded.Kind != kind
            ? $"a {kind.ToString().ToLowerInvariant()} syscall where the journal holds a {recorded.Kind.ToString().ToLowerInvariant()} syscall{(recorded.Tool is { } t ? $" ({t})" : "")}"
            : $"{Describe(asked)} where the journal holds {Describe(recorded.Request)}";
        return new DurableRunException(
            $"Durable run {RunId} of agent '{record.Agent}' diverged from its journal at step {step}: on replay it asked for {what}. "
            + "A durable agent must make the same syscalls given the same results (no clock, randomness or outside state in what it asks); "
            + "the run is stopped and escalated: fix the agent, then approve to discard the journal from this step on and go on live.",
            RunId, step, diverged: true);
    }

    /// <summary>The step was cut while it ran and may not run again by itself: the run pauses for the approver.</summary>
    public DurableRunException InDoubt(int step, DurableStepRecord recorded) =>
        new DurableRunException(
            $"Durable run {RunId} of agent '{record.Agent}' is paused at step {step}: its {(recorded.Tool is { } t ? $"call of tool '{t}'" : $"{recorded.Kind.ToString().ToLowerInvariant()} syscall")} "
            + "was cut while it ran, so whether it acted is unknown, and the tool is neither idempotent nor honours idempotency keys. "
            + "The approver decides: approve to run the step again (it had not acted), deny to leave the run paused (check the tool's side first).",
            RunId, step, diverged: false);

    private static string Describe(string request) => request.Length <= 200 ? request : request[..200] + "...";
}
