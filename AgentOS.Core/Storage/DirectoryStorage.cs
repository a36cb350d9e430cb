using System.Globalization;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Storage;

/// <summary>
/// The simple storage backend: each path is a folder under the root (its name the path, escaped so that one path is
/// one folder), each version a numbered file in it, written to a temporary file, flushed to disk and renamed. A
/// rollback writes the old version again as the newest. Correct but one fsync per write: the storage issue replaces
/// it with a log-structured store that batches commits.
/// </summary>
public sealed class DirectoryStorage : IStorageBackend
{
    private readonly string _root;
    private readonly Lock _gate = new();

    /// <summary>Opens (creating if needed) a store in <paramref name="root"/>.</summary>
    public DirectoryStorage(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public int Write(string path, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var folder = Folder(path);
            Directory.CreateDirectory(folder);
            int version = LatestVersion(folder) + 1;
            var temp = Path.Combine(folder, $".{version}.tmp");
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path.Combine(folder, version.ToString(CultureInfo.InvariantCulture)));
            return version;
        }
    }

    /// <inheritdoc />
    public (byte[] Data, int Version)? Read(string path, int? version = null)
    {
        lock (_gate)
        {
            var folder = Folder(path);
            int v = version ?? LatestVersion(folder);
            var file = Path.Combine(folder, v.ToString(CultureInfo.InvariantCulture));
            return v > 0 && File.Exists(file) ? (File.ReadAllBytes(file), v) : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<StorageEntry> List(string prefix)
    {
        lock (_gate)
        {
            var entries = new List<StorageEntry>();
            foreach (var folder in Directory.EnumerateDirectories(_root))
            {
                var path = Uri.UnescapeDataString(Path.GetFileName(folder));
                int latest = LatestVersion(folder);
                if (latest > 0 && path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    entries.Add(Entry(path, folder, latest));
                }
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return entries;
        }
    }

    /// <inheritdoc />
    public bool Delete(string path)
    {
        lock (_gate)
        {
            var folder = Folder(path);
            if (!Directory.Exists(folder))
            {
                return false;
            }
            Directory.Delete(folder, recursive: true);
            return true;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<StorageEntry> Versions(string path)
    {
        lock (_gate)
        {
            var folder = Folder(path);
            return [.. VersionNumbers(folder).Order().Select(v => Entry(path, folder, v))];
        }
    }

    /// <inheritdoc />
    public int Rollback(string path, int version)
    {
        var old = Read(path, version) ?? throw new Syscalls.Errors.InvalidRequestException($"'{path}' has no version {version} to roll back to.");
        return Write(path, old.Data);
    }

    private string Folder(string path) => Path.Combine(_root, Uri.EscapeDataString(path));

    private static int LatestVersion(string folder) => VersionNumbers(folder).DefaultIfEmpty(0).Max();

    private static IEnumerable<int> VersionNumbers(string folder) =>
        !Directory.Exists(folder) ? []
        : Directory.EnumerateFiles(folder).Select(Path.GetFileName)
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0).Where(v => v > 0);

    private static StorageEntry Entry(string path, string folder, int version)
    {
        var info = new FileInfo(Path.Combine(folder, version.ToString(CultureInfo.InvariantCulture)));
        return new StorageEntry(path, info.Length, version, info.LastWriteTimeUtc);
    }
}
