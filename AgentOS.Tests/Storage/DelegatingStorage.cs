using AgentOS.Storage;

namespace AgentOS.Tests.Storage;

/// <summary>A storage backend that passes every call to <paramref name="inner"/>; tests override the calls they
/// intercept (hold, count, lose).</summary>
internal abstract class DelegatingStorage(IStorageBackend inner) : IStorageBackend
{
    protected IStorageBackend Inner => inner;

    public string Name => inner.Name;

    public virtual ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => inner.WriteAsync(key, value, cancellationToken);
    public virtual ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default) => inner.CommitAsync(batch, cancellationToken);
    public ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default) => inner.ReadAsync(key, version, cancellationToken);
    public ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default) => inner.StatAsync(key, cancellationToken);
    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
    public ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default) => inner.VersionsAsync(key, cancellationToken);
    public ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default) => inner.RollbackAsync(key, target, cancellationToken);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
