using System.Globalization;

namespace AgentOS.Storage;

/// <summary>
/// The simple storage backend: each key is a folder under the root (its name the key, escaped so that one key is one
/// folder), each version a numbered file in it, written to a temporary file, flushed to disk and renamed. One lock
/// serializes every operation and each write costs its own fsync; a batch is atomic for readers of this process but
/// not across a crash. The file store replaces it as the kernel's default.
/// </summary>
public sealed class DirectoryStorage : IStorageBackend
{
    private readonly string _root;
    private readonly int _versionsKept;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Opens (creating if needed) a store in <paramref name="root"/>, keeping <paramref name="versionsKept"/>
    /// versions per key.</summary>
    public DirectoryStorage(string root, int versionsKept = 20, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(versionsKept, 1);
        _root = Path.GetFullPath(root);
        _versionsKept = versionsKept;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public string Name => "directory";

    /// <inheritdoc />
    public ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(WriteLocked(key, value.Span));
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            var folder = Folder(key);
            int v = version ?? LatestVersion(folder);
            var file = Path.Combine(folder, v.ToString(CultureInfo.InvariantCulture));
            return ValueTask.FromResult<StorageValue?>(v > 0 && File.Exists(file) ? new StorageValue(Entry(key, folder, v), File.ReadAllBytes(file)) : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            var folder = Folder(key);
            int latest = LatestVersion(folder);
            return ValueTask.FromResult(latest > 0 ? Entry(key, folder, latest) : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalidPrefix(prefix);
        lock (_gate)
        {
            ThrowIfDisposed();
            var entries = new List<StorageEntry>();
            foreach (var folder in Directory.EnumerateDirectories(_root))
            {
                var key = Uri.UnescapeDataString(Path.GetFileName(folder));
                int latest = LatestVersion(folder);
                if (latest > 0 && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    entries.Add(Entry(key, folder, latest));
                }
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return ValueTask.FromResult<IReadOnlyList<StorageEntry>>(entries);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(DeleteLocked(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(VersionsLocked(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var old = target.Resolve(key, VersionsLocked(key));
            var bytes = File.ReadAllBytes(Path.Combine(Folder(key), old.Version.ToString(CultureInfo.InvariantCulture)));
            return ValueTask.FromResult(WriteLocked(key, bytes));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var results = new StorageEntry?[batch.Count];
            for (int i = 0; i < results.Length; i++)
            {
                var operation = batch.Operations[i];
                if (operation.Kind == StorageBatchOperationKind.Write)
                {
                    results[i] = WriteLocked(operation.Key, operation.Value.Span);
                }
                else
                {
                    DeleteLocked(operation.Key);
                }
            }
            return ValueTask.FromResult<IReadOnlyList<StorageEntry?>>(results);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        return ValueTask.CompletedTask;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StorageUnavailableException($"The directory store at '{_root}' was disposed: open a new one.");
        }
    }

    private StorageEntry WriteLocked(string key, ReadOnlySpan<byte> data)
    {
        var folder = Folder(key);
        Directory.CreateDirectory(folder);
        int version = LatestVersion(folder) + 1;
        var temp = Path.Combine(folder, $".{version}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: true);
        }
        File.SetLastWriteTimeUtc(temp, _time.GetUtcNow().UtcDateTime);
        var file = Path.Combine(folder, version.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, file);
        foreach (int old in VersionNumbers(folder))
        {
            if (old <= version - _versionsKept)
            {
                File.Delete(Path.Combine(folder, old.ToString(CultureInfo.InvariantCulture)));
            }
        }
        return Entry(key, folder, version);
    }

    private bool DeleteLocked(string key)
    {
        var folder = Folder(key);
        if (!Directory.Exists(folder))
        {
            return false;
        }
        Directory.Delete(folder, recursive: true);
        return true;
    }

    private IReadOnlyList<StorageEntry> VersionsLocked(string key)
    {
        var folder = Folder(key);
        return [.. VersionNumbers(folder).Order().Select(v => Entry(key, folder, v))];
    }

    private string Folder(string key) => Path.Combine(_root, Uri.EscapeDataString(key));

    private static int LatestVersion(string folder) => VersionNumbers(folder).DefaultIfEmpty(0).Max();

    private static IEnumerable<int> VersionNumbers(string folder) =>
        !Directory.Exists(folder) ? []
        : Directory.EnumerateFiles(folder).Select(Path.GetFileName)
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0).Where(v => v > 0);

    private static StorageEntry Entry(string key, string folder, int version)
    {
        var info = new FileInfo(Path.Combine(folder, version.ToString(CultureInfo.InvariantCulture)));
        return new StorageEntry(key, info.Length, version, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
    }
}
