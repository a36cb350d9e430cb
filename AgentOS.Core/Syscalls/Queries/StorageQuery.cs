namespace AgentOS.Syscalls.Queries;

/// <summary>A storage operation (AIOS's StorageQuery). Paths are relative to the kernel's storage root; an agent's own
/// namespace is <c>agents/{id}/</c>.</summary>
public sealed class StorageQuery
{
    /// <summary>The operation.</summary>
    public required StorageOperation Operation { get; init; }

    /// <summary>The file (or, for List, the prefix).</summary>
    public required string Path { get; init; }

    /// <summary>The bytes to write.</summary>
    public byte[]? Data { get; init; }

    /// <summary>Read: which version (default the current one). Rollback: the version to restore (or use
    /// <see cref="StepsBack"/> or <see cref="AsOf"/>; exactly one of the three).</summary>
    public int? Version { get; init; }

    /// <summary>Rollback: restore the version this many versions before the current one (1 = the previous one).</summary>
    public int? StepsBack { get; init; }

    /// <summary>Rollback: restore the version that was current at this moment.</summary>
    public DateTimeOffset? AsOf { get; init; }
}
