using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>One step of a <see cref="ToolLoop"/>: the model's turn and the results of the tool calls it planned.</summary>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Plan">The model's turn; <see langword="null"/> when the time limit stopped it before it answered.</param>
/// <param name="Results">The planned calls' results, in the plan's order (refused and malformed calls as error
/// results); empty when no call ran.</param>
/// <param name="TotalTokens">Tokens used by the loop so far.</param>
/// <param name="Outcome">Set on the last step: how the loop ended.</param>
public sealed record ToolLoopStep(int Number, LlmResponse? Plan, IReadOnlyList<ToolResult> Results, int TotalTokens, ToolLoopOutcome? Outcome = null)
{
    /// <summary>Whether this is the loop's last step.</summary>
    public bool IsLast => Outcome is not null;
}
