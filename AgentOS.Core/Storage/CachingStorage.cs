using System.Diagnostics.Metrics;

namespace AgentOS.Storage;

/// <summary>
/// A byte-bounded LRU cache of current versions in front of any backend: reads of a key's current version are served
/// from memory; writes, deletes, rollbacks and batches go straight to the backend (write-through) and invalidate the
/// keys they touch. Hits and misses are counted on the <c>AgentOS.Storage</c> meter
/// (<c>agentos.storage.cache.hits</c>, <c>agentos.storage.cache.misses</c>).
/// </summary>
/// <remarks>
/// <para><b>Never stale, never half a batch.</b> A change marks its keys pending and drops them before it reaches the
/// backend, and unmarks them after; while a key is pending, reads of it go to the backend and are not cached. A read
/// that missed fills the cache only if no change started or ended while it read (a generation counter), so a value
/// read before a change can never be cached after it. So the cache adds no anomaly the backend does not have: in
/// particular a batch stays all-or-nothing for readers.</para>
/// <para>Cached bytes are shared between readers: <see cref="StorageValue.Data"/> is read-only memory.</para>
/// </remarks>
public sealed class CachingStorage : IStorageBackend
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AgentOS.Storage";

    // Per-entry bookkeeping (node, dictionary slot, entry record), counted against the budget with the bytes.
    private const int Overhead = 160;

    private readonly IStorageBackend _inner;
    private readonly long _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
    private Node? _head; // most recently used
    private Node? _tail; // least recently used
    private long _bytes;
    private long _generation;
    private long _hits;
    private long _misses;

    /// <summary>Caches up to <paramref name="capacityBytes"/> bytes of <paramref name="inner"/>'s current versions
    /// (a value larger than an eighth of that is never cached). Disposing the cache disposes the backend.</summary>
    public CachingStorage(IStorageBackend inner, long capacityBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        _inner = inner;
        _capacity = capacityBytes;
        _meter = new Meter(MeterName, AgentOSInfo.Version);
        _hitCounter = _meter.CreateCounter<long>("agentos.storage.cache.hits", "{read}", "Storage reads served from the cache.");
        _missCounter = _meter.CreateCounter<long>("agentos.storage.cache.misses", "{read}", "Storage reads of a current version that went to the backend.");
        _meter.CreateObservableGauge("agentos.storage.cache.bytes", () => Interlocked.Read(ref _bytes), "By", "Bytes held by the storage cache.");
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <summary>The backend behind the cache.</summary>
    public IStorageBackend Inner => _inner;

    /// <summary>Reads served from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reads of a current version that went to the backend.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Bytes cached now (values plus bookkeeping).</summary>
    public long CachedBytes => Interlocked.Read(ref _bytes);

    /// <inheritdoc />
    public ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        if (version is not null)
        {
            return _inner.ReadAsync(key, version, cancellationToken);
        }
        long generation;
        lock (_gate)
        {
            if (_nodes.TryGetValue(key, out var node))
            {
                MoveToFront(node);
                _hits++;
                _hitCounter.Add(1);
                return ValueTask.FromResult<StorageValue?>(node.Value);
            }
            generation = _generation;
        }
        Interlocked.Increment(ref _misses);
        _missCounter.Add(1);
        return ReadThroughAsync(key, generation, cancellationToken);
    }

    private async ValueTask<StorageValue?> ReadThroughAsync(string key, long generation, CancellationToken cancellationToken)
    {
        var value = await _inner.ReadAsync(key, null, cancellationToken).ConfigureAwait(false);
        if (value is { } found && found.Data.Length + Overhead <= _capacity / 8)
        {
            lock (_gate)
            {
                if (_generation == generation && !_pending.ContainsKey(key) && !_nodes.ContainsKey(key))
                {
                    Insert(key, found);
                }
            }
        }
        return value;
    }

    /// <inheritdoc />
    public async ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Begin(key);
        try
        {
            return await _inner.WriteAsync(key, value, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            End(key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Begin(key);
        try
        {
            return await _inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            End(key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default)
    {
        Begin(key);
        try
        {
            return await _inner.RollbackAsync(key, target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            End(key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var operation in batch.Operations)
        {
            Begin(operation.Key);
        }
        try
        {
            return await _inner.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var operation in batch.Operations)
            {
                End(operation.Key);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default) => _inner.StatAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default) => _inner.VersionsAsync(key, cancellationToken);

    /// <summary>Drops every cached value and disposes the backend.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _nodes.Clear();
            _head = _tail = null;
            Interlocked.Exchange(ref _bytes, 0);
        }
        _meter.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    private void Begin(string key)
    {
        lock (_gate)
        {
            _generation++;
            _pending[key] = _pending.GetValueOrDefault(key) + 1;
            if (_nodes.TryGetValue(key, out var node))
            {
                Evict(node);
            }
        }
    }

    private void End(string key)
    {
        lock (_gate)
        {
            _generation++;
            int left = _pending[key] - 1;
            if (left == 0)
            {
                _pending.Remove(key);
            }
            else
            {
                _pending[key] = left;
            }
        }
    }

    private void Insert(string key, StorageValue value)
    {
        var node = new Node(key, value);
        _nodes[key] = node;
        node.Next = _head;
        if (_head is not null)
        {
            _head.Previous = node;
        }
        _head = node;
        _tail ??= node;
        long bytes = Interlocked.Add(ref _bytes, node.Size);
        while (bytes > _capacity && _tail is { } last)
        {
            Evict(last);
            bytes = Interlocked.Read(ref _bytes);
        }
    }

    private void MoveToFront(Node node)
    {
        if (node == _head)
        {
            return;
        }
        Unlink(node);
        node.Next = _head;
        _head!.Previous = node;
        _head = node;
    }

    private void Evict(Node node)
    {
        Unlink(node);
        _nodes.Remove(node.Key);
        Interlocked.Add(ref _bytes, -node.Size);
    }

    private void Unlink(Node node)
    {
        if (node.Previous is not null)
        {
            node.Previous.Next = node.Next;
        }
        else
        {
            _head = node.Next;
        }
        if (node.Next is not null)
        {
            node.Next.Previous = node.Previous;
        }
        else
        {
            _tail = node.Previous;
        }
        node.Previous = node.Next = null;
    }

    private sealed class Node(string key, StorageValue value)
    {
        public string Key { get; } = key;
        public StorageValue Value { get; } = value;
        public long Size { get; } = value.Data.Length + Overhead;
        public Node? Previous { get; set; }
        public Node? Next { get; set; }
    }
}
