namespace AgentOS.Syscalls.Queries;

/// <summary>What a <see cref="StorageQuery"/> does.</summary>
public enum StorageOperation
{
    /// <summary>Write a file (a new version).</summary>
    Write,

    /// <summary>Read a file's current version (or a given version).</summary>
    Read,

    /// <summary>List files under a prefix.</summary>
    List,

    /// <summary>Delete a file (irreversible: needs approval).</summary>
    Delete,

    /// <summary>List a file's versions.</summary>
    Versions,

    /// <summary>Make an earlier version current again (by version, steps back, or time).</summary>
    Rollback,

    /// <summary>A file's current metadata (size, version, time written) without its bytes.</summary>
    Stat,
}
