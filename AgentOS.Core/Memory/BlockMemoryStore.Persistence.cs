namespace AgentOS.Memory;

/// <content>Reopening from storage, flushing to it, and the counters.</content>
public sealed partial class BlockMemoryStore
{
    /// <summary>Checkpoints: stores every changed block (one commit) and drops the log entries they cover, so the next
    /// open replays less. Every acknowledged change is durable without it; the kernel calls it when it stops.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_swap is null || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public MemoryStatistics Statistics
    {
        get
        {
            long block = _options.BlockSize;
            var agents = _agents.Values.OrderBy(a => a.Owner, StringComparer.Ordinal)
                .Select(a => new AgentMemoryStatistics(a.Owner, Volatile.Read(ref a.ItemCount), Volatile.Read(ref a.LiveBytes), _options.AgentQuotaBytes,
                    Volatile.Read(ref a.ResidentBlocks) * block, Volatile.Read(ref a.EvictedBytes), Volatile.Read(ref a.Hits), Volatile.Read(ref a.Misses),
                    Volatile.Read(ref a.Evictions), Volatile.Read(ref a.QuotaRejections)))
                .ToList();
            return new MemoryStatistics(_pool.InUse * block, Volatile.Read(ref _evictedBytes), _options.GlobalLimitBytes, HighWaterBytes,
                agents.Sum(a => a.Items), Volatile.Read(ref _evictions), Volatile.Read(ref _hits) + _agents.Values.Sum(a => Volatile.Read(ref a.SharedHits)), Volatile.Read(ref _misses),
                Volatile.Read(ref _quotaRejections), Retrieval, agents);
        }
    }

    // Finds every stored block again: each is read once (through a scratch buffer, not the pool) to rebuild the id
    // table and the chain; items wait for the first search to be indexed; blocks stay evicted until touched.
    private async ValueTask ReopenAsync(CancellationToken cancellationToken)
    {
        if (_swap is null)
        {
            return;
        }
        var scratch = new byte[_options.BlockSize];
        List<ItemLocation>? stale = null;
        foreach (var (owner, serial) in (await _swap.ListAsync(cancellationToken).ConfigureAwait(false)).OrderBy(b => b.Serial))
        {
            var agent = Agent(owner);
            var (used, stored) = await _swap.ReadAsync(owner, serial, scratch, cancellationToken).ConfigureAwait(false);
            var block = new MemoryBlock(serial, agent) { Used = used, Stored = true, Dirty = false, StoredBytes = stored };
            for (int offset = 0; offset < used;)
            {
                var record = scratch.AsSpan(offset);
                int size = MemoryRecord.Length(record);
                if (size < MemoryRecord.HeaderSize || offset + size > used)
                {
                    throw new InvalidDataException($"Memory block {serial} of '{owner}' has a record of {size} bytes at {offset}; the block is corrupt.");
                }
                if (!MemoryRecord.IsRemoved(record))
                {
                    long id = MemoryRecord.Id(record);
                    if (agent.Items.TryGetValue(id, out var earlier))
                    {
                        stale ??= [];
                        stale.Add(earlier);
                    }
                    agent.Items[id] = new ItemLocation(block, offset);
                    agent.MarkPending(id);
                    agent.LiveBytes += size;
                    block.LiveBytes += size;
                    block.LiveItems++;
                    _nextId = Math.Max(_nextId, id + 1);
                }
                offset += size;
            }
            agent.Blocks.Add(block);
            agent.EvictedBytes += stored;
            agent.ItemCount = agent.Items.Count;
            _evictedBytes += stored;
            _blocks[serial] = block;
            _lru.Touch(serial);
            _nextSerial = Math.Max(_nextSerial, serial + 1);
        }
        if (stale is not null)
        {
            await DropStaleRecordsAsync(stale, scratch, cancellationToken).ConfigureAwait(false);
        }
        await ReplayLogAsync(cancellationToken).ConfigureAwait(false);
    }

    // A crash between writing one block and the next can leave an item live in two stored blocks: an update or a
    // compaction wrote the record's new place while the old block's stored copy still holds it. Records only ever
    // move to a later block (the chain's end) or a later offset, so the later one is current (the loop above mapped
    // it); the earlier one is marked dead here and in storage, so it cannot come back once the item changes again.
    private async ValueTask DropStaleRecordsAsync(List<ItemLocation> stale, byte[] scratch, CancellationToken cancellationToken)
    {
        foreach (var group in stale.GroupBy(at => at.Block))
        {
            var block = group.Key;
            var agent = block.Owner;
            var (used, stored) = await _swap!.ReadAsync(agent.Owner, block.Serial, scratch, cancellationToken).ConfigureAwait(false);
            foreach (var at in group)
            {
                var record = scratch.AsSpan(at.Offset, MemoryRecord.Length(scratch.AsSpan(at.Offset)));
                MemoryRecord.MarkRemoved(record);
                block.LiveBytes -= record.Length;
                block.LiveItems--;
                agent.LiveBytes -= record.Length;
            }
            agent.EvictedBytes -= stored;
            _evictedBytes -= stored;
            if (block.LiveItems == 0 && block != agent.Tail)
            {
                await _swap.DeleteAsync(agent.Owner, block.Serial, cancellationToken).ConfigureAwait(false);
                agent.Blocks.Remove(block);
                _blocks.Remove(block.Serial);
                _lru.Forget(block.Serial);
                continue;
            }
            block.StoredBytes = await _swap.WriteAsync(agent.Owner, block.Serial, scratch.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
            agent.EvictedBytes += block.StoredBytes;
            _evictedBytes += block.StoredBytes;
        }
    }
}
