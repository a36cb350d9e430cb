using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AgentOS.Storage;

/// <summary>
/// A byte-bounded cache of current versions in front of any backend: reads of a key's current version are served
/// from memory; writes, deletes, rollbacks and batches go straight to the backend (write-through) and invalidate the
/// keys they touch. Eviction is CLOCK, the usual lock-free approximation of LRU: a hit only sets the entry's
/// referenced bit, and the eviction hand gives referenced entries a second chance. Hits and misses are counted on the
/// <c>AgentOS.Storage</c> meter (<c>agentos.storage.cache.hits</c>, <c>agentos.storage.cache.misses</c>).
/// </summary>
/// <remarks>
/// <para><b>Hits take no lock</b>: a concurrent dictionary lookup and a flag. Inserts, evictions and invalidations
/// take one lock among themselves.</para>
/// <para><b>Never stale, never half a batch.</b> A change marks its keys pending and drops them before it reaches the
/// backend, and unmarks them after; while a key is pending, reads of it go to the backend and are not cached. A read
/// that missed fills the cache only if no change started or ended while it read (a generation counter), so a value
/// read before a change can never be cached after it. So the cache adds no anomaly the backend does not have: in
/// particular a batch stays all-or-nothing for readers. (A hit that raced with the start of a change returns the value
/// from just before it, as a read that ran a moment earlier would have.)</para>
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
    private readonly ConcurrentDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);
    private readonly Queue<Node> _clock = new();
    private readonly Meter _meter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
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
        if (_nodes.TryGetValue(key, out var node))
        {
            if (!node.Referenced)
            {
                node.Referenced = true;
            }
            Interlocked.Increment(ref _hits);
            _hitCounter.Add(1);
            return ValueTask.FromResult<StorageValue?>(node.Value);
        }
        long generation = Interlocked.Read(ref _generation);
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
                if (Interlocked.Read(ref _generation) == generation && !_pending.ContainsKey(key) && !_nodes.ContainsKey(key))
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
            _clock.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        _meter.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    private void Begin(string key)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
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
            Interlocked.Increment(ref _generation);
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

    // Under _gate. The CLOCK hand: the oldest entry goes unless it was read since the hand last passed it.
    private void Insert(string key, StorageValue value)
    {
        var node = new Node(key, value);
        _nodes[key] = node;
        _clock.Enqueue(node);
        long bytes = Interlocked.Add(ref _bytes, node.Size);
        while (bytes > _capacity && _clock.TryDequeue(out var candidate))
        {
            if (candidate.Removed)
            {
                continue;
            }
            if (candidate.Referenced)
            {
                candidate.Referenced = false;
                _clock.Enqueue(candidate);
                continue;
            }
            Evict(candidate);
            bytes = Interlocked.Read(ref _bytes);
        }
        // Invalidated entries wait in the queue for the hand; without eviction pressure, sweep them out now and then.
        if (_clock.Count > 2 * _nodes.Count + 64)
        {
            var live = _clock.Where(n => !n.Removed).ToList();
            _clock.Clear();
            foreach (var n in live)
            {
                _clock.Enqueue(n);
            }
        }
    }

    // Under _gate.
    private void Evict(Node node)
    {
        node.Removed = true;
        _nodes.TryRemove(new KeyValuePair<string, Node>(node.Key, node));
        Interlocked.Add(ref _bytes, -node.Size);
    }

    private sealed class Node(string key, StorageValue value)
    {
        public string Key { get; } = key;
        public StorageValue Value { get; } = value;
        public long Size { get; } = value.Data.Length + Overhead;

        // Set by hits (racy by design: a lost set only costs the entry its second chance), cleared by the hand.
        public bool Referenced { get; set; }

        public bool Removed { get; set; }
    }
}
