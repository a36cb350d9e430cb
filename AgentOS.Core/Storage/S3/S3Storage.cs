namespace AgentOS.Storage.S3;

/// <summary>
/// A storage backend in an S3 bucket (AWS or any S3-compatible server), over HTTP with Signature Version 4 written
/// here. S3 servers may lack object versioning and S3 has no multi-object transaction, so the store keeps its own
/// journal under its prefix:
/// <list type="bullet">
/// <item><c>data/{commit}.{n}</c>: the bytes of each version written, one object per version, never overwritten;</item>
/// <item><c>log/{commit}</c>: one small record per commit (a write, delete, rollback or a whole batch) naming what
/// changed. Its PUT is the commit point: S3 stores one object atomically, so a commit is all there or not there;</item>
/// <item><c>checkpoint/{commit}</c>: every so many commits, the whole index, after which older records are removed.</item>
/// </list>
/// On open the store reads the newest checkpoint and the records after it into an in-memory index (stat, list and
/// versions then need no request), and removes data objects no record names (uploads of commits that never reached
/// their record, versions pruned or deleted while a cleanup was cut short).
/// </summary>
/// <remarks>
/// <para><b>Why a journal and not suffixed keys or per-key manifests.</b> With one object per key version, a batch or a
/// delete touches many objects and a crash part way leaves some done and some not; per-key manifests have the same
/// problem across keys. One record per commit makes every operation, batches included, atomic on any S3 server, costs
/// one extra PUT per commit, and lets open rebuild the index from a few large reads instead of a GET per key.</para>
/// <para><b>What S3 cannot give.</b> One process may write a prefix at a time: the index lives in that process. Against
/// AWS S3 each record is written with <c>If-None-Match: *</c>, so a second writer fails loudly instead of overwriting
/// (<see cref="S3StorageOptions.ConditionalWrites"/>); s3rver and some other servers ignore that header, and there two
/// writers on one prefix would corrupt it. Other processes may read only after reopening. Deleting replaced data is
/// best-effort after the commit; what a crash leaves behind is garbage collected on the next open, never visible.</para>
/// <para><b>Durability.</b> An S3 PUT is durable when it returns 200; a commit is acknowledged after its record's PUT.
/// If that PUT fails ambiguously (a timeout), the store asks with HEAD whether the record landed, and answers from that.</para>
/// </remarks>
public sealed partial class S3Storage : IStorageBackend
{
    /// <summary>Commits between checkpoints of the index.</summary>
    public const int CheckpointEvery = 64;

    private readonly S3Client _client;
    private readonly string _prefix;
    private readonly int _versionsKept;
    private readonly TimeProvider _time;
    private readonly bool _conditional;
    private readonly Task _opened;
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private volatile bool _disposed;
    private volatile string? _broken;

    /// <summary>Connects to the bucket and starts loading the index in the background; operations wait for it, and a
    /// failure to load (no server, no bucket, refused credentials) is thrown by each operation as a
    /// <see cref="StorageUnavailableException"/>. Await <see cref="OpenAsync"/> to learn that at once.</summary>
    public S3Storage(S3StorageOptions options, int versionsKept = 20, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(versionsKept, 1);
        if (options.Prefix.Length > 0 && (!options.Prefix.EndsWith('/') || StorageKey.Validate(options.Prefix.AsSpan(0, options.Prefix.Length - 1)) != StorageKeyError.None))
        {
            throw new ArgumentException($"The S3 prefix '{options.Prefix}' must be empty or a valid storage path ending in '/', such as 'agentos/'.", nameof(options));
        }
        _client = new S3Client(options);
        _prefix = options.Prefix;
        _versionsKept = versionsKept;
        _time = time ?? TimeProvider.System;
        _conditional = options.ConditionalWrites;
        _opened = Task.Run(() => LoadAsync(options.CreateBucket));
    }

    /// <summary>Opens a store and waits until its index is loaded.</summary>
    /// <exception cref="StorageUnavailableException">The server, the bucket or the credentials are not usable; the message says which.</exception>
    public static async Task<S3Storage> OpenAsync(S3StorageOptions options, int versionsKept = 20, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var store = new S3Storage(options, versionsKept, time);
        try
        {
            await store.ReadyAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public string Name => "s3";

    /// <inheritdoc />
    public async ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        var results = await CommitOperationsAsync([new StorageBatchOperation(StorageBatchOperationKind.Write, key, value)], cancellationToken).ConfigureAwait(false);
        return results[0]!;
    }

    /// <inheritdoc />
    public async ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (Find(key, version) is not { } kept)
        {
            return null;
        }
        var data = await _client.GetObjectAsync(kept.DataKey, cancellationToken).ConfigureAwait(false);
        if (data is not null)
        {
            return new StorageValue(kept.Entry, data);
        }
        // Gone between the lookup and the GET: pruned or deleted by a commit meanwhile, which is a miss; otherwise the
        // bucket lost an object the journal names.
        return Find(key, version) is { } still && still.DataKey == kept.DataKey
            ? throw new StorageCorruptException($"'{StorageKey.Escape(key)}' version {kept.Entry.Version} is in the journal but its data object s3://{_client.Bucket}/{kept.DataKey} is missing: something else deleted it. Restore the object, or delete the key.")
            : null;
    }

    /// <inheritdoc />
    public async ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return Find(key, null)?.Entry;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalidPrefix(prefix);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return ListIndex(prefix);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (Find(key, null) is null)
        {
            return false;
        }
        await CommitOperationsAsync([new StorageBatchOperation(StorageBatchOperationKind.Delete, key, default)], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return VersionsOf(key);
    }

    /// <inheritdoc />
    public async ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var chosen = target.Resolve(key, VersionsOf(key));
        var old = await ReadAsync(key, chosen.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageNotFoundException(key, $"'{StorageKey.Escape(key)}' version {chosen.Version} was dropped while rolling back to it; pick a newer version.");
        var results = await CommitOperationsAsync([new StorageBatchOperation(StorageBatchOperationKind.Write, key, old.Data)], cancellationToken).ConfigureAwait(false);
        return results[0]!;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return [];
        }
        return await CommitOperationsAsync(batch.Operations, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // Let a commit in flight finish (it was handed over and must complete durably) before the client goes.
        await _commitGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _opened.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _client.Dispose();
        }
        finally
        {
            _commitGate.Release();
        }
    }

    private async Task ReadyAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        await _opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfDisposed();
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new StorageUnavailableException($"The S3 store at s3://{_client.Bucket}/{_prefix} was disposed: open a new one.");
        }
        if (_broken is { } reason)
        {
            throw new StorageFailedException($"The S3 store at s3://{_client.Bucket}/{_prefix} stopped accepting changes: {reason} Reopen it to reload the journal.");
        }
    }
}
