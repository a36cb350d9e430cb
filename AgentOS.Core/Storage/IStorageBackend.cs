namespace AgentOS.Storage;

/// <summary>
/// A versioned key-value store: the storage manager's backend (the file store by default; SQLite and S3 behind the
/// same contract, which <c>StorageContractTests</c> checks for every implementation).
/// </summary>
/// <remarks>
/// <para><b>Keys</b> are validated by <see cref="StorageKey"/> in every operation: a bad key throws
/// <see cref="InvalidStorageKeyException"/> and changes nothing. Namespaces per agent are the access layer's business,
/// above this one.</para>
/// <para><b>Versions.</b> The first write of a key makes version 1; each later write (or rollback) the next number.
/// A backend keeps a configurable number of the newest versions per key (20 by default, as AIOS does) and drops older
/// ones. A delete removes the key and all its versions; writing it again starts over at version 1.</para>
/// <para><b>Durability.</b> Every operation that changes something (write, delete, rollback, commit) completes only
/// once the change is durable: after a crash or a power loss it is there, whole. An operation that throws may or may
/// not have happened, but never half: a reader, now or after a restart, sees a version whole or not at all.</para>
/// <para><b>Concurrency.</b> All members are thread-safe and may be called concurrently; each operation is atomic and
/// a completed change is visible to every operation that starts after it. Concurrent writers of one key get distinct
/// consecutive versions.</para>
/// <para><b>Cancellation.</b> A token that is cancelled before a change is handed to the backend's commit cancels it
/// (nothing changed); once handed over, the change completes durably and the token is ignored, because a sync cannot
/// be withdrawn half way.</para>
/// <para><b>Errors</b> are <see cref="StorageException"/>s: <see cref="InvalidStorageKeyException"/>,
/// <see cref="StorageNotFoundException"/>, <see cref="StorageCorruptException"/>,
/// <see cref="StorageUnavailableException"/> (also after disposal) and <see cref="StorageFailedException"/>.</para>
/// </remarks>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary>A short name for diagnostics and configuration: <c>file</c>, <c>sqlite</c>, <c>s3</c>, ...</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="value"/> as the next version of <paramref name="key"/>; completes once it is
    /// durable. The bytes are copied or written before this completes: the caller may reuse them afterwards.</summary>
    ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Reads the current version of <paramref name="key"/>, or version <paramref name="version"/>;
    /// <see langword="null"/> when the key (or that version) does not exist or is no longer kept.</summary>
    ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>The current version's metadata, without reading its bytes; <see langword="null"/> when absent.</summary>
    ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The current version of every key under <paramref name="prefix"/>, sorted by key (ordinal). The prefix is
    /// empty (all keys), a key (that key and the keys under it as a folder), or a key followed by <c>/</c> (a folder);
    /// it matches whole segments (<see cref="StorageKey.IsUnder"/>): <c>a/b</c> never lists <c>a/b2/x</c>.</summary>
    ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="key"/> and all its versions; <see langword="false"/> when it did not exist.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The kept versions of <paramref name="key"/>, oldest first (the last is current); empty when absent.</summary>
    ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes an earlier version current again by writing its bytes as a new version (history is never rewritten, so a
    /// rollback can itself be rolled back). <see cref="RollbackTarget.Resolve"/> picks the version.
    /// </summary>
    /// <exception cref="StorageNotFoundException">The key does not exist, or the target is not among its kept versions.</exception>
    ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="batch"/> atomically with one durable sync: all its operations or none, in order. Returns
    /// one result per operation: the entry written, or <see langword="null"/> for a delete.
    /// </summary>
    ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default);
}
