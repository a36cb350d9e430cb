using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using AgentOS.Storage;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// The memory manager's store. Items live as records in fixed-size blocks carved from pooled slabs (no object per
/// item); an agent's memory is a chain of its blocks. Per-agent quotas and a global limit bound it; above the
/// high-water mark whole blocks chosen by LRU-K are compressed into storage and reloaded transparently on access.
/// Search ranks with BM25 over an incrementally maintained inverted index and, given an <see cref="IEmbedder"/>,
/// exact cosine similarity over contiguous vectors, fused by reciprocal rank. Thread-safe: one gate serializes
/// operations (the memory queue runs them one slot at a time by default anyway).
/// </summary>
/// <remarks>
/// <b>Durability.</b> With storage, every add, update and remove is also written to a log in that storage
/// (<see cref="MemoryLog"/>) and, unless the caller asked for <see cref="MemoryDurability.Relaxed"/>, completes only
/// once that write is durable. The change is applied and its log write queued under the gate, in one order; the wait
/// for the sync happens outside it, so concurrent writers share one group commit of the storage backend. Opening
/// replays the log over the stored blocks; a checkpoint (every <see cref="MemoryStoreOptions.CheckpointEntries"/>
/// changes, and on flush and dispose) writes the dirty blocks and drops the log they cover. Ids are reserved durably
/// ahead of being issued, so no id is ever issued twice, whatever was lost in a crash.
/// </remarks>
public sealed partial class BlockMemoryStore : IMemoryStore
{
    private readonly MemoryStoreOptions _options;
    private readonly BlockPool _pool;
    private readonly MemorySwap? _swap;
    private readonly MemoryLog? _log;
    private readonly LruK _lru;
    private readonly IEmbedder? _embedder;
    private readonly TimeProvider _time;
    private readonly MemoryGate _gate = new();
    private readonly ConcurrentDictionary<string, AgentMemory> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<long, MemoryBlock> _blocks = [];
    private readonly Func<long, bool> _evictable;
    private readonly bool _sharedAdds;
    private long _nextId = 1;
    private long _nextSerial = 1;
    private long _evictions;
    private long _hits;
    private long _misses;
    private long _quotaRejections;
    private long _evictedBytes;
    private int _disposed;

    private BlockMemoryStore(MemoryStoreOptions options, IStorageBackend? storage, IEmbedder? embedder, TimeProvider? time)
    {
        options.Validate();
        _options = options;
        _pool = new BlockPool(options.BlockSize, options.BlocksPerSlab);
        _swap = storage is null ? null : new MemorySwap(storage, options.StoragePrefix);
        _time = time ?? TimeProvider.System;
        _log = storage is null ? null : new MemoryLog(storage, options.StoragePrefix, _time, Fail);
        _lru = new LruK(options.LruK);
        _embedder = embedder;
        _sharedAdds = storage is null;
        _evictable = serial => _blocks.TryGetValue(serial, out var block) && block.Resident && !block.Pinned;
    }

    /// <summary>
    /// Opens a store: with <paramref name="storage"/>, every block a previous store evicted or flushed there is found
    /// again (items, ids and the lexical index come back; blocks reload on first access); without it, the store lives
    /// in memory only and the global limit is a hard limit.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">A stored block is corrupt.</exception>
    /// <exception cref="MemoryFormatException">A memory file is of a newer format, or the log is damaged.</exception>
    public static async ValueTask<BlockMemoryStore> OpenAsync(MemoryStoreOptions? options = null, IStorageBackend? storage = null, IEmbedder? embedder = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var store = new BlockMemoryStore(options ?? new MemoryStoreOptions(), storage, embedder, time);
        await store.ReopenAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>The options the store runs with.</summary>
    public MemoryStoreOptions Options => _options;

    /// <summary>The embedder, if vector retrieval is on.</summary>
    public IEmbedder? Embedder => _embedder;

    /// <summary>How this store retrieves (for status output).</summary>
    public string Retrieval => _embedder is null
        ? "lexical (BM25; no embedder configured)"
        : $"hybrid (BM25 + {_embedder.Name} {_embedder.Dimensions}-dim vectors, reciprocal rank fusion k={_options.FusionK})";

    private long HighWaterBytes => (long)(_options.GlobalLimitBytes * _options.HighWaterMark);

    /// <inheritdoc />
    public async ValueTask<MemoryItem> AddAsync(string owner, string content, IReadOnlyList<string> tags, float importance = 0, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default)
    {
        var written = WrittenAt();
        long id = await AppendAsync(owner, content, tags, importance, written.UtcTicks, durability, cancellationToken).ConfigureAwait(false);
        return new MemoryItem(MemoryIds.Format(id), content, [.. tags], written, importance);
    }

    /// <summary>
    /// Adds an item and returns its numeric id (<c>m</c> + id on the wire). Without storage, when the agent's last
    /// block is resident and has room, this completes synchronously and allocates nothing; with storage it completes
    /// once the add is durable (or, <see cref="MemoryDurability.Relaxed"/>, once its log write is queued).
    /// </summary>
    public ValueTask<long> AppendAsync(string owner, string content, IReadOnlyList<string> tags, float importance = 0, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default) =>
        AppendAsync(owner, content, tags, importance, _time.GetUtcNow().UtcTicks, durability, cancellationToken);

    private ValueTask<long> AppendAsync(string owner, string content, IReadOnlyList<string> tags, float importance, long writtenTicks, MemoryDurability durability, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(tags);
        int size = CheckedSize(owner, content, tags);
        var agent = Agent(owner);
        if (_sharedAdds && TryAppendShared(agent, size, content, tags, importance, writtenTicks, out long added))
        {
            return new(added);
        }
        // Encoded before the gate, so the exclusive section is a copy and the bookkeeping.
        byte[]? rented = null;
        Span<byte> record = size <= StackEncodeLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
        MemoryRecord.Write(record, size, 0, writtenTicks, importance, content, tags);
        bool appended = TryAppendEncoded(agent, record, durability, out long id, out var logged, cancellationToken);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        if (appended)
        {
            return _log is null ? new(id) : Settled(id, logged, durability);
        }
        return AppendSlowAsync(agent, size, content, tags, importance, writtenTicks, durability, cancellationToken);
    }

    /// <summary>Sizes <paramref name="owner"/>'s id table for <paramref name="items"/> more items, so adding them
    /// does not grow it.</summary>
    public void Reserve(string owner, int items)
    {
        var agent = Agent(owner);
        _gate.Enter();
        try
        {
            agent.Items.EnsureCapacity(items);
            agent.Pending.EnsureCapacity(items);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async ValueTask<long> AppendSlowAsync(AgentMemory agent, int size, string content, IReadOnlyList<string> tags, float importance, long writtenTicks, MemoryDurability durability, CancellationToken cancellationToken)
    {
        long id;
        ValueTask<StorageEntry> logged;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnchangeable();
            if (!WithinQuota(agent, size))
            {
                throw QuotaExceeded(agent, size);
            }
            await ReserveIdsAsync(cancellationToken).ConfigureAwait(false);
            var block = await PlaceAsync(agent, size, cancellationToken).ConfigureAwait(false);
            id = IssueId(agent);
            logged = LogPut(agent, WriteItem(agent, block, size, id, content, tags, importance, writtenTicks), durability);
        }
        finally
        {
            _gate.Exit();
        }
        return await Settled(id, logged, durability).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<MemoryItem?> FindAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        if (!MemoryIds.TryParse(id, out long key) || !_agents.TryGetValue(owner, out var agent))
        {
            return null;
        }
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return agent.Items.TryGetValue(key, out var at) ? await ReadItemAsync(at, cancellationToken).ConfigureAwait(false) : null;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <inheritdoc />
    public async ValueTask<MemoryItem?> UpdateAsync(string owner, string id, string content, IReadOnlyList<string> tags, float? importance = null, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(tags);
        if (!MemoryIds.TryParse(id, out long key) || !_agents.TryGetValue(owner, out var agent))
        {
            return null;
        }
        int size = CheckedSize(owner, content, tags);
        MemoryItem updated;
        ValueTask<StorageEntry> logged;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnchangeable();
            if (!agent.Items.TryGetValue(key, out var at))
            {
                return null;
            }
            var old = await ReadItemAsync(at, cancellationToken).ConfigureAwait(false);
            if (!WithinQuota(agent, size - MemoryRecord.Length(Record(at))))
            {
                throw QuotaExceeded(agent, size);
            }
            float weight = importance ?? old.Importance;
            // Room for the new record first, with the old record's block held resident: everything that can fail
            // (the global limit, the agent's quota, a storage error while evicting) fails before anything changes.
            // After that the swap is in memory only: the old record dies, the new one is written.
            MemoryBlock block;
            at.Block.Pinned = true;
            try
            {
                block = await PlaceAsync(agent, size, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                at.Block.Pinned = false;
            }
            KillRecord(agent, key, at);
            var written = WrittenAt();
            logged = LogPut(agent, WriteItem(agent, block, size, key, content, tags, weight, written.UtcTicks), durability);
            updated = new MemoryItem(id, content, [.. tags], written, weight);
            await CompactIfSparseAsync(agent, at.Block, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Exit();
        }
        await Settled(key, logged, durability).ConfigureAwait(false);
        return updated;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(string owner, string id, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default)
    {
        if (!MemoryIds.TryParse(id, out long key) || !_agents.TryGetValue(owner, out var agent))
        {
            return false;
        }
        ValueTask<StorageEntry> logged;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnchangeable();
            if (!agent.Items.TryGetValue(key, out var at))
            {
                return false;
            }
            // Logged before the removal runs (its compaction may write blocks): the log's order is the order of the
            // changes, and the removal itself cannot fail once the item's block is resident.
            await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
            logged = LogRemove(agent, key, durability);
            await RemoveItemAsync(agent, key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Exit();
        }
        await Settled(key, logged, durability).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public long CountItems(string owner) => _agents.TryGetValue(owner, out var agent) ? Volatile.Read(ref agent.ItemCount) : 0;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _disposed, 1);
        // A background checkpoint that captured before the flag was set finishes before the log (and the caller's
        // storage) goes; none starts after it (it checks the flag under the gate).
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            await _checkpointDone.ConfigureAwait(false);
        }
        finally
        {
            _gate.Exit();
        }
        _log?.Dispose();
    }

    /// <inheritdoc />
    public bool Durable => _log is not null;

    private AgentMemory Agent(string owner) => _agents.GetOrAdd(owner, static name => new AgentMemory(name));

    private DateTimeOffset WrittenAt()
    {
        // Records keep whole ticks in UTC; what Add returns must equal what Get reads back.
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks, TimeSpan.Zero);
    }

    private int CheckedSize(string owner, string content, IReadOnlyList<string> tags)
    {
        MemoryLog.CheckOwner(owner);
        if (tags.Count > ushort.MaxValue)
        {
            throw new InvalidRequestException($"A memory item may have at most {ushort.MaxValue} tags, not {tags.Count}.");
        }
        // MemoryRecord.Measure's sum, each tag's length counted once (checked and summed in one pass).
        long size = MemoryRecord.HeaderSize + (long)Encoding.UTF8.GetByteCount(content);
        for (int i = 0; i < tags.Count; i++)
        {
            string tag = tags[i];
            int bytes = tag is null ? -1 : Encoding.UTF8.GetByteCount(tag);
            if (bytes is < 0 or > ushort.MaxValue)
            {
                throw new InvalidRequestException($"Memory tag {i} is null or longer than {ushort.MaxValue} UTF-8 bytes.");
            }
            size += 2 + bytes;
        }
        if (size > _options.BlockSize)
        {
            throw new InvalidRequestException(
                $"The memory item needs {size} bytes (text, tags and a {MemoryRecord.HeaderSize}-byte header) but a block holds {_options.BlockSize}; shorten it, split it, or raise block_size.");
        }
        return (int)size;
    }

    private bool WithinQuota(AgentMemory agent, long extra) =>
        _options.OverQuota == MemoryOverQuota.Evict || agent.LiveBytes + extra <= _options.AgentQuotaBytes;

    private MemoryQuotaExceededException QuotaExceeded(AgentMemory agent, int size)
    {
        agent.QuotaRejections++;
        _quotaRejections++;
        return new MemoryQuotaExceededException(
            $"Agent '{agent.Owner}' holds {agent.LiveBytes} bytes of memory; adding {size} would pass its quota of {_options.AgentQuotaBytes} bytes (agent_quota_bytes). Remove items or raise the quota.",
            "agent:" + agent.Owner);
    }

    private ItemLocation WriteItem(AgentMemory agent, MemoryBlock block, int size, long id, string content, IReadOnlyList<string> tags, float importance, long writtenTicks)
    {
        MemoryRecord.Write(_pool.Span(block.PoolBlock).Slice(block.Used, size), size, id, writtenTicks, importance, content, tags);
        return Placed(agent, block, size, id);
    }

    // The bookkeeping of a record just written at the block's end (a new item, an update, or one replayed from the log).
    private ItemLocation Placed(AgentMemory agent, MemoryBlock block, int size, long id)
    {
        var at = Account(agent, block, size, id);
        Touch(block, hit: true);
        return at;
    }

    // Placed without the access: the agent's own state only (its lock or the exclusive gate held).
    private static ItemLocation Account(AgentMemory agent, MemoryBlock block, int size, long id)
    {
        int offset = block.Used;
        block.Used += size;
        block.LiveBytes += size;
        block.LiveItems++;
        block.Dirty = true;
        agent.Items[id] = new ItemLocation(block, offset);
        agent.LiveBytes += size;
        Volatile.Write(ref agent.ItemCount, agent.Items.Count);
        // Indexing waits for the next search (which absorbs every pending item first, so results are always
        // complete): adding stays a copy into the block, and embeddings are computed in batches.
        agent.MarkPending(id);
        return new ItemLocation(block, offset);
    }

    private static void IndexLexical(AgentMemory agent, long id, ReadOnlySpan<byte> record)
    {
        var utf8 = MemoryRecord.ContentBytes(record);
        char[]? rented = null;
        Span<char> chars = utf8.Length <= 512 ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        int count = Encoding.UTF8.GetChars(utf8, chars);
        agent.Lexical.Add(id, chars[..count]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static void UnindexLexical(AgentMemory agent, long id, ReadOnlySpan<byte> record)
    {
        var utf8 = MemoryRecord.ContentBytes(record);
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, utf8.Length));
        int count = Encoding.UTF8.GetChars(utf8, chars);
        agent.Lexical.Remove(id, chars.AsSpan(0, count));
        ArrayPool<char>.Shared.Return(chars);
    }

    private Span<byte> Record(ItemLocation at)
    {
        var span = _pool.Span(at.Block.PoolBlock)[at.Offset..];
        return span[..MemoryRecord.Length(span)];
    }

    private async ValueTask<MemoryItem> ReadItemAsync(ItemLocation at, CancellationToken cancellationToken)
    {
        await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
        return MemoryRecord.Read(Record(at));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
