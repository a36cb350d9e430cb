namespace AgentOS.Syscalls.Queries;

/// <summary>
/// One tool call (AIOS's ToolQuery). Each call is its own syscall so the tool queue can hold it to its own tool's
/// concurrency limit; the SDK's Action module runs many calls concurrently as many syscalls.
/// </summary>
public sealed class ToolQuery
{
    /// <summary>The call to make.</summary>
    public required ToolCall Call { get; init; }

    /// <summary>A key that names this call across re-executions (a durable run sets its run id and step): a tool that
    /// honours keys (<c>ToolDefinition.HonoursIdempotencyKey</c>) answers a repeated key with the first call's result
    /// instead of acting again. <see langword="null"/>: none.</summary>
    public string? IdempotencyKey { get; init; }
}
