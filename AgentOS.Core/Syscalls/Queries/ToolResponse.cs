namespace AgentOS.Syscalls.Queries;

/// <summary>The result of a <see cref="ToolQuery"/>.</summary>
public sealed class ToolResponse
{
    /// <summary>The call's result.</summary>
    public required ToolResult Result { get; init; }
}
