using AgentOS.Syscalls.Queries;

namespace AgentOS.Storage;

/// <summary>
/// Versioned file storage behind storage syscalls. Paths are already validated and namespace-checked (relative,
/// slash-separated, no dot segments). Thread-safe. The storage manager issue brings the crash-safe log-structured
/// store, SQLite and S3 behind this interface.
/// </summary>
public interface IStorageBackend
{
    /// <summary>Writes a new version of <paramref name="path"/> and returns its number (1 for a new file). Durable
    /// before it returns.</summary>
    int Write(string path, ReadOnlySpan<byte> data);

    /// <summary>Reads the current version (or <paramref name="version"/>); <see langword="null"/> when absent.</summary>
    (byte[] Data, int Version)? Read(string path, int? version = null);

    /// <summary>The current version of every file under <paramref name="prefix"/>, by path.</summary>
    IReadOnlyList<StorageEntry> List(string prefix);

    /// <summary>Deletes a file and all its versions; <see langword="false"/> when there was none.</summary>
    bool Delete(string path);

    /// <summary>A file's versions, oldest first (empty when absent).</summary>
    IReadOnlyList<StorageEntry> Versions(string path);

    /// <summary>Makes <paramref name="version"/> current again by writing it as a new version; returns that version.</summary>
    int Rollback(string path, int version);
}
