namespace AgentOS.Storage.Files;

/// <summary>
/// What the file store writes through: a flat set of named files (Garnet's <c>IDevice</c> idea). The store needs
/// nothing else, so tests swap in a device that injects faults (one that "loses power" and keeps only what was
/// synced) and benchmarks can swap in others. Implementations are thread-safe.
/// </summary>
public interface IStorageDevice : IDisposable
{
    /// <summary>Where the files are, for messages (a folder, "memory", ...).</summary>
    string Location { get; }

    /// <summary>The names of the files on the device.</summary>
    IReadOnlyList<string> ListFiles();

    /// <summary>Opens a file, creating an empty one if it does not exist (the creation is durable only after
    /// <see cref="SyncDirectory"/>).</summary>
    IDeviceFile OpenFile(string name);

    /// <summary>Deletes a file if it exists (durable after <see cref="SyncDirectory"/>). Handles already open may keep
    /// reading it until disposed.</summary>
    void DeleteFile(string name);

    /// <summary>Makes earlier creations and deletions durable (<c>fsync</c> on the folder).</summary>
    void SyncDirectory();
}
