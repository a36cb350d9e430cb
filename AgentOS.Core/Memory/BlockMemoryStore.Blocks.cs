using AgentOS.Syscalls.Errors;

namespace AgentOS.Memory;

/// <content>Blocks: placing a record, making room (eviction by LRU-K), reloading, removing and compacting.</content>
public sealed partial class BlockMemoryStore
{
    // A block with room for size more bytes at the end of the agent's chain: its last block (reloaded if evicted), or
    // a new one once room is made. The caller writes the record.
    private async ValueTask<MemoryBlock> PlaceAsync(AgentMemory agent, int size, CancellationToken cancellationToken)
    {
        var tail = agent.Tail;
        if (tail is not null && tail.Used + size <= _options.BlockSize)
        {
            await EnsureResidentAsync(tail, cancellationToken).ConfigureAwait(false);
            return tail;
        }
        await MakeRoomAsync(agent, cancellationToken).ConfigureAwait(false);
        var block = new MemoryBlock(_nextSerial++, agent) { PoolBlock = _pool.Rent() };
        agent.Blocks.Add(block);
        agent.ResidentBlocks++;
        _blocks[block.Serial] = block;
        return block;
    }

    // Room for one more resident block of agent's: under the global high-water mark (evicting if allowed; the global
    // limit is hard otherwise) and, when the quota bounds resident bytes, under the agent's quota.
    private async ValueTask MakeRoomAsync(AgentMemory agent, CancellationToken cancellationToken)
    {
        long block = _options.BlockSize;
        while ((_pool.InUse + 1) * block > HighWaterBytes)
        {
            long victim = _options.Eviction && _swap is not null ? _lru.Victim(_evictable) : -1;
            if (victim < 0)
            {
                if ((_pool.InUse + 1) * block <= _options.GlobalLimitBytes)
                {
                    break;
                }
                agent.QuotaRejections++;
                _quotaRejections++;
                throw new MemoryQuotaExceededException(
                    $"Memory holds {_pool.InUse * block} bytes in {_pool.InUse} blocks; another block would pass the global memory limit of {_options.GlobalLimitBytes} bytes (global_limit_bytes)" +
                    (_options.Eviction && _swap is not null ? " and no block can be evicted." : " and eviction is off (it needs storage and eviction: true).") +
                    " Remove items, raise the limit, or enable eviction.",
                    "global");
            }
            await EvictAsync(_blocks[victim], cancellationToken).ConfigureAwait(false);
        }
        if (_options.OverQuota == MemoryOverQuota.Evict)
        {
            while ((agent.ResidentBlocks + 1) * block > _options.AgentQuotaBytes)
            {
                long victim = _swap is null ? -1 : _lru.Victim(serial => _evictable(serial) && _blocks[serial].Owner == agent);
                if (victim < 0)
                {
                    agent.QuotaRejections++;
                    _quotaRejections++;
                    throw new MemoryQuotaExceededException(
                        $"Agent '{agent.Owner}' has {agent.ResidentBlocks} resident blocks; another would pass its quota of {_options.AgentQuotaBytes} bytes (agent_quota_bytes) and none of its blocks can be evicted. Raise the quota (at least one block, {block} bytes) or give the store storage.",
                        "agent:" + agent.Owner);
                }
                await EvictAsync(_blocks[victim], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask EvictAsync(MemoryBlock block, CancellationToken cancellationToken)
    {
        await WriteBackAsync(block, cancellationToken).ConfigureAwait(false);
        _pool.Return(block.PoolBlock);
        block.PoolBlock = -1;
        var agent = block.Owner;
        agent.ResidentBlocks--;
        agent.Evictions++;
        agent.EvictedBytes += block.StoredBytes;
        _evictedBytes += block.StoredBytes;
        _evictions++;
    }

    // Gives storage a current copy of a resident block (nothing to do when it has one).
    private async ValueTask WriteBackAsync(MemoryBlock block, CancellationToken cancellationToken)
    {
        await SettleWriteAsync(block).ConfigureAwait(false);
        if (!block.Dirty && block.Stored)
        {
            return;
        }
        block.Pinned = true;
        try
        {
            block.StoredBytes = await _swap!.WriteAsync(block.Owner.Owner, block.Serial, _pool.Memory(block.PoolBlock)[..block.Used], cancellationToken).ConfigureAwait(false);
            block.Stored = true;
            block.Dirty = false;
        }
        finally
        {
            block.Pinned = false;
        }
    }

    private async ValueTask EnsureResidentAsync(MemoryBlock block, CancellationToken cancellationToken)
    {
        if (block.Resident)
        {
            Touch(block, hit: true);
            return;
        }
        block.Pinned = true;
        try
        {
            await MakeRoomAsync(block.Owner, cancellationToken).ConfigureAwait(false);
            int pooled = _pool.Rent();
            try
            {
                var (used, stored) = await _swap!.ReadAsync(block.Owner.Owner, block.Serial, _pool.Memory(pooled), cancellationToken).ConfigureAwait(false);
                block.Used = used;
                block.StoredBytes = stored;
            }
            catch
            {
                _pool.Return(pooled);
                throw;
            }
            block.PoolBlock = pooled;
        }
        finally
        {
            block.Pinned = false;
        }
        var agent = block.Owner;
        agent.ResidentBlocks++;
        agent.EvictedBytes -= block.StoredBytes;
        _evictedBytes -= block.StoredBytes;
        Touch(block, hit: false);
    }

    private void Touch(MemoryBlock block, bool hit)
    {
        _lru.Touch(block.Serial);
        if (hit)
        {
            block.Owner.Hits++;
            _hits++;
        }
        else
        {
            block.Owner.Misses++;
            _misses++;
        }
    }

    // Removes a live item: its record turns dead in place, the indexes forget it, and its block is freed or compacted
    // when that leaves it empty or nearly so.
    private async ValueTask<bool> RemoveItemAsync(AgentMemory agent, long id, CancellationToken cancellationToken)
    {
        var at = agent.Items[id];
        await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
        KillRecord(agent, id, at);
        agent.Items.Remove(id);
        Volatile.Write(ref agent.ItemCount, agent.Items.Count);
        await CompactIfSparseAsync(agent, at.Block, cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Marks the record at a resident location dead and makes the indexes forget it; the caller maps the id anew or
    // drops it.
    private void KillRecord(AgentMemory agent, long id, ItemLocation at)
    {
        var block = at.Block;
        var record = Record(at);
        if (agent.Lexical.Contains(id))
        {
            UnindexLexical(agent, id, record);
        }
        agent.Vectors?.Remove(id);
        MemoryRecord.MarkRemoved(record);
        int size = record.Length;
        block.LiveBytes -= size;
        block.LiveItems--;
        block.Dirty = true;
        agent.LiveBytes -= size;
    }

    private async ValueTask CompactIfSparseAsync(AgentMemory agent, MemoryBlock block, CancellationToken cancellationToken)
    {
        if (block == agent.Tail || !_blocks.ContainsKey(block.Serial) || (block.LiveItems > 0 && block.LiveBytes >= _options.CompactBelow * _options.BlockSize))
        {
            return;
        }
        try
        {
            await CompactAsync(agent, block, cancellationToken).ConfigureAwait(false);
        }
        catch (MemoryQuotaExceededException)
        {
            // Compaction only tidies up: without room for another block the sparse block stays (each record moved so
            // far is already dead in it), and the removal or update that asked for it has happened.
        }
    }

    // Moves a nearly empty block's live records to the end of the chain, then frees it. Each record dies in the source
    // as it moves, so a failure midway leaves every item in exactly one place. When storage holds a copy of the source,
    // the blocks that received its records are written first: deleting the source's copy must never leave storage
    // without records it had (a crash before the next flush would lose items that were flushed and never changed).
    private async ValueTask CompactAsync(AgentMemory agent, MemoryBlock block, CancellationToken cancellationToken)
    {
        List<MemoryBlock>? targets = null;
        if (block.LiveItems > 0)
        {
            block.Pinned = true;
            try
            {
                for (int offset = 0; offset < block.Used;)
                {
                    var source = _pool.Span(block.PoolBlock)[offset..];
                    int size = MemoryRecord.Length(source);
                    long id = MemoryRecord.Id(source);
                    if (!MemoryRecord.IsRemoved(source) && agent.Items.TryGetValue(id, out var at) && at.Block == block && at.Offset == offset)
                    {
                        var target = await PlaceAsync(agent, size, cancellationToken).ConfigureAwait(false);
                        int to = target.Used;
                        // The source is pinned, so placing cannot have evicted it.
                        source = _pool.Span(block.PoolBlock)[offset..];
                        source[..size].CopyTo(_pool.Span(target.PoolBlock)[to..]);
                        target.Used += size;
                        target.LiveBytes += size;
                        target.LiveItems++;
                        target.Dirty = true;
                        agent.Items[id] = new ItemLocation(target, to);
                        MemoryRecord.MarkRemoved(source);
                        block.LiveBytes -= size;
                        block.LiveItems--;
                        block.Dirty = true;
                        targets ??= [];
                        if (!targets.Contains(target))
                        {
                            targets.Add(target);
                        }
                    }
                    offset += size;
                }
            }
            finally
            {
                block.Pinned = false;
            }
        }
        // A checkpoint may be storing a copy of the source right now: settled first, Stored says whether storage has it.
        await SettleWriteAsync(block).ConfigureAwait(false);
        if (block.Stored && targets is not null)
        {
            foreach (var target in targets)
            {
                // An evicted target was written when it was evicted.
                if (target.Resident)
                {
                    await WriteBackAsync(target, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        await FreeAsync(agent, block, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FreeAsync(AgentMemory agent, MemoryBlock block, CancellationToken cancellationToken)
    {
        // Storage first: if the delete fails, the block is still whole in memory and in the chain. A checkpoint's copy
        // in flight lands before the delete, or it would bring the block back.
        await SettleWriteAsync(block).ConfigureAwait(false);
        if (block.Stored)
        {
            await _swap!.DeleteAsync(agent.Owner, block.Serial, cancellationToken).ConfigureAwait(false);
        }
        if (block.Resident)
        {
            _pool.Return(block.PoolBlock);
            block.PoolBlock = -1;
            agent.ResidentBlocks--;
        }
        else
        {
            agent.EvictedBytes -= block.StoredBytes;
            _evictedBytes -= block.StoredBytes;
        }
        agent.Blocks.Remove(block);
        _blocks.Remove(block.Serial);
        _lru.Forget(block.Serial);
    }
}
