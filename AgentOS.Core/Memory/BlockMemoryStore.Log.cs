using AgentOS.Storage;

namespace AgentOS.Memory;

/// <content>The write-ahead log: logging each change, waiting for it to be durable, reserving ids, checkpoints.</content>
public sealed partial class BlockMemoryStore
{
    // Ids are reserved this many at a time: one durable state write per range, and a reopened store skips at most one
    // range of ids that were never issued.
    private const long IdRange = 1 << 16;

    // Guarded by the gate.
    private long _nextSequence = 1;
    private long _checkpoint;
    private long _reservedIds;
    private int _sinceCheckpoint;

    private int _checkpointing;
    private Exception? _logFailure;

    private bool IdReserved => _log is null || _nextId < _reservedIds;

    // Under the gate: the next id is covered by a durable reservation before it is issued.
    private async ValueTask ReserveIdsAsync(CancellationToken cancellationToken)
    {
        if (IdReserved)
        {
            return;
        }
        long reserved = _nextId + IdRange;
        await _log!.WriteStateAsync(_checkpoint, reserved, cancellationToken).ConfigureAwait(false);
        _reservedIds = reserved;
    }

    // Under the gate, right after the change: queues its log write, so the log's order is the order of the changes.
    // A relaxed change joins the log's open batch (written within MemoryLog.BatchDelay, or sooner), so it costs a copy
    // rather than a storage write of its own.
    private ValueTask<StorageEntry> LogPut(AgentMemory agent, ItemLocation at, MemoryDurability durability)
    {
        if (_log is null)
        {
            return default;
        }
        _sinceCheckpoint++;
        return _log.AppendPut(_nextSequence++, agent.Owner, Record(at), durability == MemoryDurability.Relaxed);
    }

    private ValueTask<StorageEntry> LogRemove(AgentMemory agent, long id, MemoryDurability durability)
    {
        if (_log is null)
        {
            return default;
        }
        _sinceCheckpoint++;
        return _log.AppendRemove(_nextSequence++, agent.Owner, id, durability == MemoryDurability.Relaxed);
    }

    // Outside the gate: a durable change waits for its log write (so writers waiting together share one sync); a
    // relaxed one returns at once and a failure of its write stops the store taking changes (see ThrowIfUnchangeable).
    private ValueTask<long> Settled(long id, ValueTask<StorageEntry> logged, MemoryDurability durability)
    {
        CheckpointIfDue();
        if (logged.IsCompletedSuccessfully)
        {
            return new(id);
        }
        if (durability == MemoryDurability.Relaxed && !logged.IsCompleted)
        {
            _ = ObserveAsync(logged);
            return new(id);
        }
        return AwaitLoggedAsync(id, logged);
    }

    private async ValueTask<long> AwaitLoggedAsync(long id, ValueTask<StorageEntry> logged)
    {
        try
        {
            await logged.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
        return id;
    }

    private async Task ObserveAsync(ValueTask<StorageEntry> logged)
    {
        try
        {
            await logged.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    // After a log write fails, memory holds a change the log may lack: taking more changes on top of it could
    // acknowledge something that depends on it, so the store refuses changes from then on (reads still work).
    private void Fail(Exception cause) => Interlocked.CompareExchange(ref _logFailure, cause, null);

    private void ThrowIfUnchangeable()
    {
        ThrowIfDisposed();
        if (Volatile.Read(ref _logFailure) is { } failure)
        {
            throw new StorageUnavailableException(
                $"The memory store stopped taking changes after writing its log failed ({failure.Message}). Every change it acknowledged as durable is in the log: fix the storage and restart the kernel.",
                failure);
        }
    }

    private void CheckpointIfDue()
    {
        if (_log is null || Volatile.Read(ref _sinceCheckpoint) < _options.CheckpointEntries || Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await _gate.EnterAsync().ConfigureAwait(false);
                try
                {
                    if (Volatile.Read(ref _disposed) == 0 && _logFailure is null)
                    {
                        await CheckpointLockedAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _gate.Exit();
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                Volatile.Write(ref _checkpointing, 0);
            }
        });
    }

    // Under the gate: every change logged so far is applied in memory, so once the dirty blocks are stored (one
    // commit), the log up to here is redundant. The state moves the checkpoint first, then the entries go: a crash in
    // between leaves entries the next open skips (at or below the checkpoint) and the next checkpoint deletes.
    private async ValueTask CheckpointLockedAsync(CancellationToken cancellationToken)
    {
        long upTo = _nextSequence - 1;
        // The open batch's key is at most upTo: written now, it goes with the entries the truncation below deletes.
        _log!.WriteBatch();
        await WriteBackAllAsync(cancellationToken).ConfigureAwait(false);
        if (upTo > _checkpoint)
        {
            await _log!.WriteStateAsync(upTo, _reservedIds, cancellationToken).ConfigureAwait(false);
            _checkpoint = upTo;
            _sinceCheckpoint = 0;
            await _log.TruncateAsync(upTo, cancellationToken).ConfigureAwait(false);
        }
    }

    // Under the gate: every dirty resident block stored, with one commit. (An evicted block is never dirty: eviction
    // writes it first.)
    private async ValueTask WriteBackAllAsync(CancellationToken cancellationToken)
    {
        var dirty = new List<MemoryBlock>();
        foreach (var block in _blocks.Values)
        {
            if (block.Resident && (block.Dirty || !block.Stored))
            {
                dirty.Add(block);
            }
        }
        if (dirty.Count == 0)
        {
            return;
        }
        var sizes = await _swap!.WriteAllAsync([.. dirty.Select(b => (b.Owner.Owner, b.Serial, (ReadOnlyMemory<byte>)_pool.Memory(b.PoolBlock)[..b.Used]))], cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < dirty.Count; i++)
        {
            dirty[i].StoredBytes = sizes[i];
            dirty[i].Stored = true;
            dirty[i].Dirty = false;
        }
    }

    // Opening: the entries after the checkpoint, in order, over the stored blocks. An add and an update log the item's
    // whole record, so each put replaces whatever the blocks hold for its id; a remove drops the id if present.
    private async ValueTask ReplayLogAsync(CancellationToken cancellationToken)
    {
        var state = await _log!.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        (_checkpoint, _reservedIds) = state ?? (0, 0);
        long last = _checkpoint;
        foreach (long sequence in await _log.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            last = Math.Max(last, sequence);
            if (sequence <= _checkpoint || await _log.ReadAsync(sequence, cancellationToken).ConfigureAwait(false) is not { } entries)
            {
                continue;
            }
            foreach (var entry in entries)
            {
                await ReplayAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }
        _nextSequence = last + 1;
        // Ids below the old reservation may have been issued (a relaxed add's entry can be lost): start above them.
        // The first add reserves the next range (opening writes nothing); that also stamps a folder of the
        // blocks-only format with the log's state.
        _nextId = Math.Max(_nextId, _reservedIds);
        _reservedIds = 0;
    }

    private async ValueTask ReplayAsync(MemoryLog.Entry entry, CancellationToken cancellationToken)
    {
        if (entry.Sequence <= _checkpoint)
        {
            return;
        }
        var agent = Agent(entry.Owner);
        if (agent.Items.TryGetValue(entry.Id, out var at))
        {
            await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
            KillRecord(agent, entry.Id, at);
            agent.Items.Remove(entry.Id);
            Volatile.Write(ref agent.ItemCount, agent.Items.Count);
        }
        if (entry.Record is { } record)
        {
            var block = await PlaceAsync(agent, record.Length, cancellationToken).ConfigureAwait(false);
            record.CopyTo(_pool.Span(block.PoolBlock)[block.Used..]);
            Placed(agent, block, record.Length, entry.Id);
        }
        _nextId = Math.Max(_nextId, entry.Id + 1);
        _sinceCheckpoint++;
    }
}
