namespace AgentOS.Kernel;

/// <summary>What happened to an agent run, on the kernel's event bus (type name <c>agentos.agent</c>).</summary>
public enum AgentStage
{
    /// <summary>The kernel created the agent and started its run.</summary>
    Started,

    /// <summary>The run returned its answer.</summary>
    Completed,

    /// <summary>The run threw.</summary>
    Failed,
}

/// <summary>An agent lifecycle transition on the kernel's event bus.</summary>
/// <param name="Agent">The agent's name.</param>
/// <param name="Stage">The transition.</param>
/// <param name="At">When, on the kernel's clock.</param>
/// <param name="Error">For a failed run: the exception's type and message.</param>
public readonly record struct AgentEvent(string Agent, AgentStage Stage, DateTimeOffset At, string? Error = null)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "agentos.agent";
}
