namespace AgentOS.Syscalls.Queries;

/// <summary>
/// One tool call (AIOS's ToolQuery). Each call is its own syscall so the tool queue can hold it to its own tool's
/// concurrency limit; the SDK's Action module runs many calls concurrently as many syscalls.
/// </summary>
public sealed class ToolQuery
{
    /// <summary>The call to make.</summary>
    public required ToolCall Call { get; init; }
}
