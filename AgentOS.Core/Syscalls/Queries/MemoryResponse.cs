namespace AgentOS.Syscalls.Queries;

/// <summary>A memory operation's result.</summary>
public sealed class MemoryResponse
{
    /// <summary>The id of the item added, updated or removed.</summary>
    public string? Id { get; init; }

    /// <summary>The items found (Get: one; Search: best first).</summary>
    public IReadOnlyList<MemoryItem> Items { get; init; } = [];
}
