using System.Buffers;

namespace AgentOS.Memory;

/// <content>Checkpoints: the dirty blocks stored (one commit), then the log they cover dropped. Only a copy is taken
/// under the exclusive gate; compressing, writing, syncing and truncating run outside it, so adds go on meanwhile
/// (issue 20: holding the gate through Brotli and a sync stalled every add for the whole checkpoint).</content>
/// <remarks>
/// <para><b>Why it is safe.</b> Under the gate, every change logged up to <c>upTo</c> is applied in memory and none
/// after it, so the captured bytes of each block are its state at <c>upTo</c>; the log keeps every entry above
/// <c>upTo</c>, so whatever changes after the capture is replayed over those bytes after a crash. A block captured is
/// marked clean under the gate; any later change marks it dirty again (every change sets <see cref="MemoryBlock.Dirty"/>),
/// so the next checkpoint or its eviction writes it again.</para>
/// <para><b>No older copy overtakes a newer one.</b> A captured block carries the in-flight write
/// (<see cref="MemoryBlock.Writing"/>). Every other path that writes, deletes or trusts a block's stored copy
/// (eviction and compaction through <see cref="WriteBackAsync"/>, <see cref="FreeAsync"/>, compaction's check of
/// <see cref="MemoryBlock.Stored"/>, the next capture) first waits for that write under the gate
/// (<see cref="SettleWriteAsync"/>): the checkpoint's older copy is always in storage before a newer copy, or a delete,
/// is handed to it. Those paths are the slow ones (eviction, compaction), which already await storage. One checkpoint
/// is in flight at a time: the next capture waits for the previous checkpoint to finish.</para>
/// <para><b>State.</b> The checkpoint and the id reservation share one state key; the state lock orders the
/// checkpoint's write (outside the gate) against a reservation's (inside it), each writing the other's latest value,
/// so neither a reservation nor a checkpoint is ever written back over.</para>
/// </remarks>
public sealed partial class BlockMemoryStore
{
    private readonly SemaphoreSlim _stateLock = new(1, 1);

    // Guarded by the gate: the checkpoint in flight (completed when none is).
    private Task _checkpointDone = Task.CompletedTask;
    private int _checkpointing;

    // A checkpoint's capture: the log position, and a copy of each dirty resident block in pooled buffers.
    private sealed class CheckpointCapture(long upTo)
    {
        public long UpTo { get; } = upTo;

        public List<(MemoryBlock Block, byte[] Bytes, int Used)> Blocks { get; } = [];

        /// <summary>True once the copies are durably stored; false if writing them failed.</summary>
        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
                CheckpointCapture? capture = null;
                await _gate.EnterAsync().ConfigureAwait(false);
                try
                {
                    if (Volatile.Read(ref _disposed) == 0 && _logFailure is null)
                    {
                        capture = await CaptureLockedAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    _gate.Exit();
                }
                if (capture is not null)
                {
                    await WriteCheckpointAsync(capture, CancellationToken.None).ConfigureAwait(false);
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

    // Flush and dispose: a whole checkpoint, finished when this returns.
    private async ValueTask CheckpointAsync(CancellationToken cancellationToken)
    {
        CheckpointCapture capture;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnchangeable();
            capture = await CaptureLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Exit();
        }
        await WriteCheckpointAsync(capture, cancellationToken).ConfigureAwait(false);
    }

    // Under the gate: waits for the checkpoint in flight, if any (so copies reach storage in order, and its failure
    // re-dirties its blocks), then takes the next one's copies.
    private async ValueTask<CheckpointCapture> CaptureLockedAsync()
    {
        await _checkpointDone.ConfigureAwait(false);
        var capture = new CheckpointCapture(_nextSequence - 1);
        // The open batch's key is at most upTo: written now, it goes with the entries the truncation deletes.
        _log!.WriteBatch();
        foreach (var block in _blocks.Values)
        {
            await SettleWriteAsync(block).ConfigureAwait(false);
            // An evicted block is never dirty: eviction writes it first.
            if (block.Resident && (block.Dirty || !block.Stored))
            {
                var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, block.Used));
                _pool.Span(block.PoolBlock)[..block.Used].CopyTo(bytes);
                capture.Blocks.Add((block, bytes, block.Used));
                block.Dirty = false;
                block.Writing = capture.Written.Task;
            }
        }
        _sinceCheckpoint = 0;
        _checkpointDone = capture.Done.Task;
        return capture;
    }

    // Outside the gate: the copies in one commit, then the state moves the checkpoint, then the entries go (a crash in
    // between leaves entries the next open skips, at or below the checkpoint, and the next checkpoint deletes).
    private async ValueTask WriteCheckpointAsync(CheckpointCapture capture, CancellationToken cancellationToken)
    {
        try
        {
            bool written = false;
            try
            {
                if (capture.Blocks.Count > 0)
                {
                    var sizes = await _swap!.WriteAllAsync([.. capture.Blocks.Select(b => (b.Block.Owner.Owner, b.Block.Serial, (ReadOnlyMemory<byte>)b.Bytes.AsMemory(0, b.Used)))], cancellationToken).ConfigureAwait(false);
                    // Read only by gate holders that settled this write first (the task's completion orders it).
                    for (int i = 0; i < sizes.Length; i++)
                    {
                        capture.Blocks[i].Block.StoredBytes = sizes[i];
                    }
                }
                written = true;
            }
            finally
            {
                foreach (var (_, bytes, _) in capture.Blocks)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                }
                capture.Written.SetResult(written);
            }
            await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (capture.UpTo <= _checkpoint)
                {
                    return;
                }
                await _log!.WriteStateAsync(capture.UpTo, _reservedIds, cancellationToken).ConfigureAwait(false);
                _checkpoint = capture.UpTo;
            }
            finally
            {
                _stateLock.Release();
            }
            await _log.TruncateAsync(capture.UpTo, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            capture.Done.SetResult();
        }
    }

    // Under the gate, before a block's stored copy is written, deleted or trusted: its checkpoint write in flight, if
    // any, lands first. Stored, the copy is current unless the block changed since (then it is dirty already); failed,
    // the block is dirty again and storage keeps what it had.
    private static ValueTask SettleWriteAsync(MemoryBlock block)
    {
        if (block.Writing is not { } writing)
        {
            return default;
        }
        if (writing.IsCompleted)
        {
            Settle(block, writing.Result);
            return default;
        }
        return SettleSlowAsync(block, writing);

        static async ValueTask SettleSlowAsync(MemoryBlock block, Task<bool> writing) => Settle(block, await writing.ConfigureAwait(false));

        static void Settle(MemoryBlock block, bool stored)
        {
            block.Writing = null;
            if (stored)
            {
                block.Stored = true;
            }
            else
            {
                block.Dirty = true;
            }
        }
    }
}
