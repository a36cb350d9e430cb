namespace AgentOS.Syscalls.Queries;

/// <summary>One tool call's outcome: its output, or the error it raised.</summary>
public sealed record ToolResult(string Name, string Output, bool IsError = false)
{
    /// <summary>The call's id, when it had one.</summary>
    public string? Id { get; init; }
}
