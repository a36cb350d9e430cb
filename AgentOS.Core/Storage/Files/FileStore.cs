using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AgentOS.Storage.Files;

/// <summary>
/// The kernel's default storage backend: a crash-safe, versioned, log-structured store in a folder (or on any
/// <see cref="IStorageDevice"/>).
/// </summary>
/// <remarks>
/// <para><b>On disk.</b> Append-only segment files, each a versioned header (<see cref="SegmentHeader"/>; segments of
/// format version 0 have none and are still read) and then checksummed frames (<see cref="LogRecord"/>): each commit, a
/// write or a whole batch, is one frame. A crash can only tear the frame being appended; recovery finds it by its
/// length and CRC-32C and cuts it off. An index checkpoint (written on close, and when a segment is sealed) lets open
/// load the index and replay only the log written after it.</para>
/// <para><b>Writes and group commit.</b> Writers hand commits to one flusher thread. The flusher takes everything
/// waiting, assigns versions, appends all frames with one write and makes them durable with one <c>fdatasync</c>;
/// only then does it publish them to the index and complete the writers. So a write is acknowledged only after its
/// sync, readers only ever see durable data, and the more writers wait, the more each sync carries.</para>
/// <para><b>Reads</b> take the index lock just long enough to find the version, then read its bytes with a positional
/// read and check them against their own checksum.</para>
/// <para><b>Compaction</b> runs in the background after a segment is sealed: when enough of the sealed bytes are dead
/// (versions past the kept limit, deleted keys), the oldest segment's live versions are copied forward through the
/// flusher, like any commit, and the segment is deleted. Only the oldest segment is ever compacted: everything a
/// dropped delete record hid lies before it, so nothing can come back.</para>
/// </remarks>
public sealed partial class FileStore : IStorageBackend
{
    private readonly IStorageDevice _device;
    private readonly bool _ownsDevice;
    private readonly FileStoreOptions _options;
    private readonly TimeProvider _time;

    // The index: key -> its kept versions, oldest first (a window's records never change once published). Written only by
    // the flusher, under _indexGate; readers take _indexGate too, which is what makes a batch visible all at once.
    private readonly Dictionary<string, VersionWindow> _index = new(StringComparer.Ordinal);
    private readonly Lock _indexGate = new();
    private readonly ConcurrentDictionary<int, IDeviceFile> _segments = new();
    private int _disposed;

    private FileStore(IStorageDevice device, bool ownsDevice, FileStoreOptions options)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        _options = options;
        _time = options.Time;
    }

    /// <summary>Opens (creating if needed) a store in <paramref name="folder"/>, recovering from any crash.</summary>
    /// <exception cref="StorageUnavailableException">The folder cannot be used.</exception>
    /// <exception cref="StorageCorruptException">A sealed segment or the index is damaged beyond what a crash explains.</exception>
    public static FileStore Open(string folder, FileStoreOptions? options = null) => Open(new FileSystemDevice(folder), options, ownsDevice: true);

    /// <summary>Opens a store on <paramref name="device"/>, recovering from any crash.</summary>
    /// <exception cref="StorageCorruptException">A sealed segment or the index is damaged beyond what a crash explains.</exception>
    public static FileStore Open(IStorageDevice device, FileStoreOptions? options = null, bool ownsDevice = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        options ??= new FileStoreOptions();
        options.Validate();
        var store = new FileStore(device, ownsDevice, options);
        try
        {
            store.Recover();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            store.CloseFiles();
            throw new StorageUnavailableException($"Cannot open the file store in '{device.Location}': {ex.Message}. Check the folder exists and is writable.", ex);
        }
        catch
        {
            store.CloseFiles();
            throw;
        }
        store.StartFlusher();
        return store;
    }

    /// <inheritdoc />
    public string Name => "file";

    /// <summary>Where the store's files are.</summary>
    public string Location => _device.Location;

    /// <summary>How many keys the store holds.</summary>
    public int Count
    {
        get
        {
            lock (_indexGate)
            {
                return _index.Count;
            }
        }
    }

    /// <inheritdoc />
    // The hot path: a pooled state machine and a reused commit, so a write allocates little more than its entry.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        var commit = Commit.RentPut(key, value);
        await SubmitAsync(commit, cancellationToken).ConfigureAwait(false);
        // Acknowledged, and this writer resumed (a refused or failed commit throws above and was never counted).
        Interlocked.Decrement(ref _returning);
        var entry = commit.Results[0]!;
        commit.Return();
        return entry;
    }

    /// <inheritdoc />
    public ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        ThrowIfDisposed();
        // A compaction may move the version between finding it and reading it; the index then points to its new place.
        for (int attempt = 0; ; attempt++)
        {
            VersionRecord record;
            lock (_indexGate)
            {
                if (!TryFind(key, version, out record))
                {
                    return ValueTask.FromResult<StorageValue?>(null);
                }
            }
            if (_segments.TryGetValue(record.Segment, out var segment) || attempt >= 3)
            {
                return ValueTask.FromResult<StorageValue?>(new StorageValue(record.ToEntry(key), ReadValue(key, record, segment)));
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        ThrowIfDisposed();
        lock (_indexGate)
        {
            return ValueTask.FromResult(TryFind(key, null, out var record) ? record.ToEntry(key) : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalidPrefix(prefix);
        ThrowIfDisposed();
        var entries = new List<StorageEntry>();
        lock (_indexGate)
        {
            foreach (var (key, versions) in _index)
            {
                if (StorageKey.IsUnder(key, prefix))
                {
                    entries.Add(versions.Latest.ToEntry(key));
                }
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return ValueTask.FromResult<IReadOnlyList<StorageEntry>>(entries);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        var commit = new Commit([new CommitOp(CommitOpKind.Delete, key, default)]);
        await SubmitAsync(commit, cancellationToken).ConfigureAwait(false);
        return commit.Existed;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        ThrowIfDisposed();
        lock (_indexGate)
        {
            if (!_index.TryGetValue(key, out var versions))
            {
                return ValueTask.FromResult<IReadOnlyList<StorageEntry>>([]);
            }
            var entries = new StorageEntry[versions.Count];
            for (int i = 0; i < entries.Length; i++)
            {
                entries[i] = versions[i].ToEntry(key);
            }
            return ValueTask.FromResult<IReadOnlyList<StorageEntry>>(entries);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        // Optimistic: resolve and read against the current versions, then commit only if no write came in between.
        for (int attempt = 0; attempt < 64; attempt++)
        {
            var versions = await VersionsAsync(key, cancellationToken).ConfigureAwait(false);
            var old = target.Resolve(key, versions);
            if (await ReadAsync(key, old.Version, cancellationToken).ConfigureAwait(false) is not { } value)
            {
                continue;
            }
            var commit = new Commit([new CommitOp(CommitOpKind.Put, key, value.Data)]) { ExpectedVersion = versions[^1].Version };
            await SubmitAsync(commit, cancellationToken).ConfigureAwait(false);
            if (!commit.Conflicted)
            {
                return commit.Results[0]!;
            }
        }
        throw new StorageFailedException($"Rolling back '{StorageKey.Escape(key)}' kept colliding with concurrent writes of it: retry when they settle.");
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfDisposed();
            return [];
        }
        var ops = new CommitOp[batch.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            var operation = batch.Operations[i];
            ops[i] = new CommitOp(operation.Kind == StorageBatchOperationKind.Write ? CommitOpKind.Put : CommitOpKind.Delete, operation.Key, operation.Value);
        }
        var commit = new Commit(ops);
        await SubmitAsync(commit, cancellationToken).ConfigureAwait(false);
        return commit.Results;
    }

    /// <summary>Stops the flusher after it has committed everything handed to it, writes an index checkpoint (so the
    /// next open is fast) and closes the files. Later calls throw <see cref="StorageUnavailableException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await StopFlusherAsync().ConfigureAwait(false);
        await StopCompactionAsync().ConfigureAwait(false);
        if (_failure is null)
        {
            try
            {
                WriteCheckpoint(TakeSnapshot());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The log alone is complete: the next open replays it, only more slowly.
            }
        }
        CloseFiles();
    }

    private bool TryFind(string key, int? version, out VersionRecord record)
    {
        record = default;
        if (!_index.TryGetValue(key, out var versions))
        {
            return false;
        }
        if (version is not { } wanted)
        {
            record = versions.Latest;
            return true;
        }
        int index = wanted - versions[0].Version;
        if (index < 0 || index >= versions.Count || versions[index].Version != wanted)
        {
            return false;
        }
        record = versions[index];
        return true;
    }

    private byte[] ReadValue(string key, VersionRecord record, IDeviceFile? segment)
    {
        var value = new byte[record.Length];
        try
        {
            if (segment is null || segment.Read(record.Offset, value) != value.Length || Crc32C.Compute(value) != record.Crc)
            {
                throw new StorageCorruptException(
                    $"Version {record.Version} of '{StorageKey.Escape(key)}' in segment {record.Segment} of '{Location}' fails its checksum or is cut short: " +
                    "the file was damaged outside the store. Roll the key back to another version, or delete it.");
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            ThrowIfDisposed();
            throw new StorageFailedException($"Reading '{StorageKey.Escape(key)}' from '{Location}' failed: {ex.Message}", ex);
        }
        return value;
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new StorageUnavailableException($"The file store in '{Location}' was disposed: open it again with FileStore.Open.");
        }
        if (_failure is { } failure)
        {
            throw new StorageUnavailableException($"The file store in '{Location}' stopped after a write failed ({failure.Message}); nothing acknowledged was lost. Fix the disk and open it again.", failure);
        }
    }

    private void CloseFiles()
    {
        foreach (var segment in _segments.Values)
        {
            segment.Dispose();
        }
        _segments.Clear();
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }
}
