using System.Text.Json.Serialization;
using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Kernel;

/// <summary>
/// The kernel's storage backend, in code (<see cref="KernelOptions.StorageConfig"/>) or as the config file's
/// <c>storage</c> object: <c>{ "backend": "file", "versions_kept": 20, "cache_bytes": 67108864 }</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class StorageConfig
{
    /// <summary>The backends <see cref="Backend"/> may name. Adding one: a name here, its settings as properties of
    /// this class, a check in <see cref="Validate"/> and a case in <see cref="CreateBackend"/>.</summary>
    public static IReadOnlyList<string> Backends { get; } = ["file"];

    /// <summary>The backend: <c>file</c> (the crash-safe log-structured store; default).</summary>
    public string Backend { get; set; } = "file";

    /// <summary>Where a local backend keeps its files (default: <c>storage</c> under the kernel's data folder).</summary>
    public string? Directory { get; set; }

    /// <summary>Versions kept per path (default 20, as AIOS).</summary>
    public int VersionsKept { get; set; } = 20;

    /// <summary>Group commit for the file store (default on).</summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>Bytes of the read cache in front of the backend; 0 turns it off. Default 64 MiB.</summary>
    public long CacheBytes { get; set; } = 64L * 1024 * 1024;

    internal void Validate(string source)
    {
        if (!Backends.Contains(Backend))
        {
            throw new KernelConfigException($"{source}: storage backend '{Backend}' is unknown; available: {string.Join(", ", Backends)}.");
        }
        if (VersionsKept is < 1 or > 1_000_000)
        {
            throw new KernelConfigException($"{source}: storage versions_kept must be between 1 and 1000000, not {VersionsKept}.");
        }
        if (CacheBytes < 0)
        {
            throw new KernelConfigException($"{source}: storage cache_bytes must be 0 (no cache) or more, not {CacheBytes}.");
        }
    }

    /// <summary>Opens the configured backend (behind the cache when <see cref="CacheBytes"/> is above 0).</summary>
    /// <exception cref="KernelConfigException">The settings are invalid.</exception>
    /// <exception cref="StorageException">The backend cannot be opened.</exception>
    public IStorageBackend CreateBackend(string dataDirectory, TimeProvider time)
    {
        Validate("storage config");
        string folder = Directory ?? Path.Combine(dataDirectory, "storage");
        IStorageBackend backend = Backend switch
        {
            // Further backends ("sqlite", "s3") get their case here; Validate has already refused unknown names.
            _ => FileStore.Open(folder, new FileStoreOptions { VersionsKept = VersionsKept, GroupCommit = GroupCommit, Time = time }),
        };
        return CacheBytes > 0 ? new CachingStorage(backend, CacheBytes) : backend;
    }
}
