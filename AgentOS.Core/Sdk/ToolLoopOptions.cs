namespace AgentOS.Sdk;

/// <summary>The limits and settings of a <see cref="ToolLoop"/>. The loop always ends: at a final answer, or at the
/// first limit reached, with a typed <see cref="ToolLoopOutcome"/>.</summary>
public sealed class ToolLoopOptions
{
    /// <summary>The most model turns (each followed by its tool calls). Default 10.</summary>
    public int MaxSteps { get; init; } = 10;

    /// <summary>The most tokens (prompt and completion, summed over the turns) before the loop stops asking; unset:
    /// no token limit.</summary>
    public int? MaxTotalTokens { get; init; }

    /// <summary>How long the whole loop may run, on <see cref="Time"/>; unset: no time limit.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The clock of <see cref="TimeLimit"/> (the kernel's, so a virtual clock stops the loop too). Default:
    /// the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>A system message that leads the conversation.</summary>
    public string? Instructions { get; init; }

    /// <summary>The backend or model the turns ask for; unset: the kernel's routing.</summary>
    public string? Backend { get; init; }

    /// <summary>The most tokens one turn generates.</summary>
    public int MaxTokensPerTurn { get; init; } = Syscalls.Queries.LlmQuery.DefaultMaxTokens;

    /// <summary>The call site the turns report, so the kernel learns this loop's answer lengths apart from the agent's
    /// other calls. Default <c>tool_loop</c>.</summary>
    public string CallSite { get; init; } = "tool_loop";

    /// <summary>Scheduling hints for every syscall of the loop.</summary>
    public SyscallOptions Syscall { get; init; }
}
