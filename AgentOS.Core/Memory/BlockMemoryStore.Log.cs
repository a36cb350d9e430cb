using AgentOS.Storage;

namespace AgentOS.Memory;

/// <content>The write-ahead log: logging each change, waiting for it to be durable, reserving ids, checkpoints.</content>
public sealed partial class BlockMemoryStore
{
    // Ids are reserved this many at a time: one durable state write per range, and a reopened store skips at most one
    // range of ids that were never issued.
    private const long IdRange = 1 << 16;

    // Guarded by the gate (_checkpoint and _reservedIds are written under the state lock as well).
    private long _nextSequence = 1;
    private long _checkpoint;
    private long _reservedIds;
    private int _sinceCheckpoint;

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
        // The state lock: a checkpoint writing the state outside the gate must not overwrite this reservation with
        // the bound it read before it (see BlockMemoryStore.Checkpoint.cs).
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _log!.WriteStateAsync(_checkpoint, reserved, cancellationToken).ConfigureAwait(false);
            _reservedIds = reserved;
        }
        finally
        {
            _stateLock.Release();
        }
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
