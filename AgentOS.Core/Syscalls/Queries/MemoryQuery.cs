namespace AgentOS.Syscalls.Queries;

/// <summary>A memory operation (AIOS's MemoryQuery) on the caller's memory, or on another agent's that it was granted.</summary>
public sealed class MemoryQuery
{
    /// <summary>The operation.</summary>
    public required MemoryOperation Operation { get; init; }

    /// <summary>Whose memory: <see langword="null"/> for the caller's own.</summary>
    public string? Owner { get; init; }

    /// <summary>The item id (Get, Update, Remove).</summary>
    public string? Id { get; init; }

    /// <summary>The item's text (Add, Update).</summary>
    public string? Content { get; init; }

    /// <summary>The item's tags (Add, Update).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The text to search for (Search).</summary>
    public string? Text { get; init; }

    /// <summary>The most results to return (Search).</summary>
    public int Limit { get; init; } = 10;
}
