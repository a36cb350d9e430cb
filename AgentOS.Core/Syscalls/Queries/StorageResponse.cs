namespace AgentOS.Syscalls.Queries;

/// <summary>A storage operation's result.</summary>
public sealed class StorageResponse
{
    /// <summary>The bytes read.</summary>
    public byte[]? Data { get; init; }

    /// <summary>The version written, read or restored.</summary>
    public int Version { get; init; }

    /// <summary>Files listed, or a file's versions (oldest first).</summary>
    public IReadOnlyList<StorageEntry> Entries { get; init; } = [];
}
