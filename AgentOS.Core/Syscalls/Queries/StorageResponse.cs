using AgentOS.Storage;

namespace AgentOS.Syscalls.Queries;

/// <summary>A storage operation's result.</summary>
public sealed class StorageResponse
{
    /// <summary>The bytes read.</summary>
    public byte[]? Data { get; init; }

    /// <summary>The version written, read or restored (the new version a rollback wrote).</summary>
    public int Version { get; init; }

    /// <summary>The version written, read, restored or stat'ed: path, size, version, time written.</summary>
    public StorageEntry? Entry { get; init; }

    /// <summary>Files listed, or a file's versions (oldest first).</summary>
    public IReadOnlyList<StorageEntry> Entries { get; init; } = [];
}
