namespace AgentOS.Sdk;

/// <summary>
/// One step of an agent's tool loop on the kernel's event bus (type name <c>agentos.tool_loop</c>), published when the
/// agent's context has the bus (<see cref="AgentContext.Events"/>: agents the kernel runs, and contexts made with it).
/// The loop's syscalls are on the bus as well, as <c>agentos.syscall</c> events.
/// </summary>
/// <param name="AgentId">The agent.</param>
/// <param name="LoopId">The loop's id (one per run), to group its steps.</param>
/// <param name="Step">The step's number, from 1.</param>
/// <param name="Calls">Tool calls run in the step.</param>
/// <param name="Errors">Of those, the ones answered with an error (refused, malformed, failed).</param>
/// <param name="Tokens">Tokens used by the loop so far.</param>
/// <param name="Outcome">On the last step: how the loop ended.</param>
/// <param name="At">When, on the loop's clock.</param>
public readonly record struct ToolLoopEvent(string AgentId, string LoopId, int Step, int Calls, int Errors, int Tokens, ToolLoopOutcome? Outcome, DateTimeOffset At)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "agentos.tool_loop";
}
