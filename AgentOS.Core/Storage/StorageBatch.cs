namespace AgentOS.Storage;

/// <summary>
/// Several writes and deletes that <see cref="IStorageBackend.CommitAsync"/> applies together: after a crash either
/// all of them are visible or none, readers never see some without the others, and the whole batch costs one durable
/// sync. Keys are validated as they are added, so a bad key fails here, before anything is committed. Operations
/// apply in order (two writes of one key make two versions). Not thread-safe while being built.
/// </summary>
public sealed class StorageBatch
{
    private readonly List<StorageBatchOperation> _operations = [];

    /// <summary>The operations, in the order they apply.</summary>
    public IReadOnlyList<StorageBatchOperation> Operations => _operations;

    /// <summary>How many operations the batch holds.</summary>
    public int Count => _operations.Count;

    /// <summary>Adds a write of a new version of <paramref name="key"/>. The bytes are not copied: do not change them
    /// until the commit completes.</summary>
    /// <exception cref="InvalidStorageKeyException">The key is invalid; the batch is unchanged.</exception>
    public StorageBatch Write(string key, ReadOnlyMemory<byte> value)
    {
        StorageKey.ThrowIfInvalid(key);
        _operations.Add(new StorageBatchOperation(StorageBatchOperationKind.Write, key, value));
        return this;
    }

    /// <summary>Adds a delete of <paramref name="key"/> and all its versions (a key that does not exist is left as it is).</summary>
    /// <exception cref="InvalidStorageKeyException">The key is invalid; the batch is unchanged.</exception>
    public StorageBatch Delete(string key)
    {
        StorageKey.ThrowIfInvalid(key);
        _operations.Add(new StorageBatchOperation(StorageBatchOperationKind.Delete, key, default));
        return this;
    }
}
