using AgentOS.Syscalls.Errors;

namespace AgentOS.Reactor;

/// <summary>
/// A durable run cannot go on by itself: its agent diverged from its journal (<see cref="Diverged"/>), or a step that
/// may have acted was cut and cannot be repeated safely, so the run is paused for the approver. Its code is
/// <c>agent_paused</c>: nothing more of the run executes until it is resumed.
/// </summary>
public sealed class DurableRunException : SyscallException
{
    /// <summary>Creates the error.</summary>
    public DurableRunException(string message, string runId, int step, bool diverged) : base(message)
    {
        RunId = runId;
        Step = step;
        Diverged = diverged;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The step concerned.</summary>
    public int Step { get; }

    /// <summary>True: the agent asked for a different syscall at this step than its journal holds (its code is not
    /// deterministic given its steps' results, or it changed). False: the step was cut while it ran.</summary>
    public bool Diverged { get; }

    /// <inheritdoc/>
    public override string Code => "agent_paused";
}
