using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AgentOS.Storage;

namespace AgentOS.Memory;

/// <summary>
/// The memory store's write-ahead log, kept in the same storage backend as its blocks: one key per logged change (or
/// per batch of relaxed changes), <c>prefix-log/NNNNNNNNNNNNNNNNNNN</c> (its last sequence number), plus one state key,
/// <c>prefix-log/state</c>.
/// </summary>
/// <remarks>
/// <para><b>Why through the storage backend.</b> The file store already turns concurrent writes into one append and
/// one <c>fdatasync</c> per group (its flusher) on its device; each logged change is just another write handed to it,
/// so memory's durability is the storage layer's group commit, not a second copy of it.</para>
/// <para><b>Entries</b> (format 1): <c>[byte format][byte kind][ushort owner bytes][owner UTF-8]</c> then, for a put,
/// the item's whole record (<see cref="MemoryRecord"/>: an add and an update both log the item's full new state, so
/// replay is an upsert and replaying an entry twice changes nothing) or, for a remove, <c>[long id]</c>.</para>
/// <para><b>Batches</b> (format 2): <c>[byte 2][byte 3][int count]</c> then, per change, <c>[long sequence][byte
/// kind][ushort owner bytes][owner UTF-8][int payload bytes][payload]</c> with the payload of a format-1 entry. A
/// relaxed change (<see cref="MemoryDurability.Relaxed"/>) is not written on its own: it joins the open batch, which
/// is written (one storage write for up to <see cref="BatchEntries"/> changes) when it is full, when a change that is
/// waited for is logged (ahead of it, so the log keeps the order of the changes), at a checkpoint, or
/// <see cref="BatchDelay"/> after its first change, whichever comes first. A storage write costs microseconds of CPU
/// whatever its size; per relaxed change, that cost was the whole of the add (issue 20). A crash loses at most the
/// open batch: relaxed changes say they may be lost. A store of an older version refuses a batch as newer.</para>
/// <para><b>Order.</b> Every write of an entry or a batch is handed to storage under one lock, in sequence order, and
/// a batch's key is its last sequence: the sorted keys are the order of the changes, and a checkpoint (which writes the
/// open batch first) never splits a batch.</para>
/// <para><b>State</b> (format 1): <c>"AOML" [ushort format][long checkpoint][long ids reserved below]</c>. Entries at
/// or below the checkpoint are already in the stored blocks; ids below the reserved bound may have been handed out,
/// so a reopened store starts issuing at the bound and never reuses an id. A folder written before this log existed
/// (commit 2c35f17: blocks only, no state key) opens as is; a state or entry of a newer format is refused with
/// <see cref="MemoryFormatException"/>.</para>
/// </remarks>
internal sealed class MemoryLog(IStorageBackend storage, string prefix, TimeProvider time, Action<Exception> failed) : IDisposable
{
    public const ushort Format = 1;
    private const byte BatchFormat = 2;
    private const byte Put = 1;
    private const byte Remove = 2;
    private const byte Batch = 3;
    private const int StateBytes = 4 + 2 + 8 + 8;
    private const int BatchHeader = 6;

    /// <summary>Relaxed changes per batch write at most.</summary>
    public const int BatchEntries = 256;

    /// <summary>How long the first relaxed change of a batch waits for others at most.</summary>
    public static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(2);

    private static ReadOnlySpan<byte> Magic => "AOML"u8;

    // Guards the open batch and orders every write of the log (see Order above).
    private readonly Lock _order = new();
    private byte[] _batch = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _batchLength = BatchHeader;
    private int _batchCount;
    private long _batchLast;
    private ITimer? _timer;
    private bool _disposed;

    public string Folder { get; } = prefix.TrimEnd('/') + "-log/";

    private string StateKey => Folder + "state";

    /// <summary>One change read back from the log.</summary>
    public readonly record struct Entry(long Sequence, string Owner, long Id, byte[]? Record);

    /// <summary>Hands a put of <paramref name="record"/> (an item's whole record) to storage. The write is queued by the
    /// time this returns (the file store orders it behind every earlier one); the task completes once it is durable.
    /// Relaxed, the put joins the open batch instead and the task is already complete.</summary>
    public ValueTask<StorageEntry> AppendPut(long sequence, string owner, ReadOnlySpan<byte> record, bool relaxed)
    {
        lock (_order)
        {
            if (relaxed)
            {
                Batched(sequence, Put, owner, record);
                return default;
            }
            WriteBatchLocked();
            var value = Header(Put, owner, record.Length, out int at);
            record.CopyTo(value.AsSpan(at));
            return storage.WriteAsync(KeyOf(sequence), value);
        }
    }

    /// <summary>Hands a remove of item <paramref name="id"/> to storage (see <see cref="AppendPut"/>).</summary>
    public ValueTask<StorageEntry> AppendRemove(long sequence, string owner, long id, bool relaxed)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, id);
        lock (_order)
        {
            if (relaxed)
            {
                Batched(sequence, Remove, owner, payload);
                return default;
            }
            WriteBatchLocked();
            var value = Header(Remove, owner, 8, out int at);
            payload.CopyTo(value.AsSpan(at));
            return storage.WriteAsync(KeyOf(sequence), value);
        }
    }

    /// <summary>Writes the open batch of relaxed changes now (a checkpoint calls this first).</summary>
    public void WriteBatch()
    {
        lock (_order)
        {
            WriteBatchLocked();
        }
    }

    /// <summary>Stops the batch timer; a batch still open is written first.</summary>
    public void Dispose()
    {
        lock (_order)
        {
            WriteBatchLocked();
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void Batched(long sequence, byte kind, string owner, ReadOnlySpan<byte> payload)
    {
        int ownerBytes = Encoding.UTF8.GetByteCount(owner);
        int bytes = 8 + 1 + 2 + ownerBytes + 4 + payload.Length;
        if (_batchLength + bytes > _batch.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_batch.Length * 2, _batchLength + bytes));
            _batch.AsSpan(0, _batchLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_batch);
            _batch = larger;
        }
        var to = _batch.AsSpan(_batchLength, bytes);
        BinaryPrimitives.WriteInt64LittleEndian(to, sequence);
        to[8] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(to[9..], (ushort)ownerBytes);
        Encoding.UTF8.GetBytes(owner, to[11..]);
        BinaryPrimitives.WriteInt32LittleEndian(to[(11 + ownerBytes)..], payload.Length);
        payload.CopyTo(to[(15 + ownerBytes)..]);
        _batchLength += bytes;
        _batchLast = sequence;
        if (++_batchCount >= BatchEntries)
        {
            WriteBatchLocked();
        }
        else if (_batchCount == 1 && !_disposed)
        {
            // One timer for the log's life, re-armed per batch: a relaxed change is written within BatchDelay even when
            // nothing follows it.
            _timer ??= time.CreateTimer(static log => ((MemoryLog)log!).WriteBatch(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(BatchDelay, Timeout.InfiniteTimeSpan);
        }
    }

    // Under _order. A failed write is reported to the store (which then refuses changes), never thrown here: the
    // changes it carried were acknowledged as relaxed already, and the caller may be a timer.
    private void WriteBatchLocked()
    {
        if (_batchCount == 0)
        {
            return;
        }
        _batch[0] = BatchFormat;
        _batch[1] = Batch;
        BinaryPrimitives.WriteInt32LittleEndian(_batch.AsSpan(2), _batchCount);
        // The buffer goes to storage, which may read it until the write completes (IStorageBackend.WriteAsync), and
        // back to the pool then; the next batch fills another. Copying each batch out (its bytes, per relaxed change)
        // was most of what a relaxed add allocated (issue 20).
        var value = _batch;
        int length = _batchLength;
        string key = KeyOf(_batchLast);
        _batch = ArrayPool<byte>.Shared.Rent(value.Length);
        _batchLength = BatchHeader;
        _batchCount = 0;
        ValueTask<StorageEntry> written;
        try
        {
            written = storage.WriteAsync(key, value.AsMemory(0, length));
        }
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(value);
            failed(ex);
            return;
        }
        if (written.IsCompletedSuccessfully)
        {
            _ = written.Result;
            ArrayPool<byte>.Shared.Return(value);
        }
        else
        {
            _ = ObserveAsync(written, value);
        }
    }

    private async Task ObserveAsync(ValueTask<StorageEntry> written, byte[] buffer)
    {
        try
        {
            await written.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failed(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The checkpoint and the reserved id bound, or <see langword="null"/> when no state was ever written.</summary>
    /// <exception cref="MemoryFormatException">The state is of another format or damaged.</exception>
    public async ValueTask<(long Checkpoint, long Reserved)?> ReadStateAsync(CancellationToken cancellationToken)
    {
        if (await storage.ReadAsync(StateKey, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }
        var span = stored.Data.Span;
        if (span.Length < 6 || !span[..4].SequenceEqual(Magic))
        {
            throw new MemoryFormatException($"The memory log state '{StateKey}' is not a memory log state (its magic bytes are wrong): the file was damaged or written by something else. Restore it from a backup, or delete the '{Folder}' keys to start the log afresh (changes since the last checkpoint are then lost).");
        }
        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
        if (format != Format || span.Length != StateBytes)
        {
            throw MemoryFormatException.Newer(StateKey, format, Format);
        }
        return (BinaryPrimitives.ReadInt64LittleEndian(span[6..]), BinaryPrimitives.ReadInt64LittleEndian(span[14..]));
    }

    /// <summary>Writes the state durably.</summary>
    public async ValueTask WriteStateAsync(long checkpoint, long reserved, CancellationToken cancellationToken)
    {
        var value = new byte[StateBytes];
        Magic.CopyTo(value);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4), Format);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(6), checkpoint);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(14), reserved);
        await storage.WriteAsync(StateKey, value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sequence numbers of every logged change in storage, in order.</summary>
    public async ValueTask<List<long>> ListAsync(CancellationToken cancellationToken)
    {
        var sequences = new List<long>();
        foreach (var entry in await storage.ListAsync(Folder, cancellationToken).ConfigureAwait(false))
        {
            if (long.TryParse(entry.Path.AsSpan(Folder.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            {
                sequences.Add(sequence);
            }
        }
        sequences.Sort();
        return sequences;
    }

    /// <summary>Reads one logged change, or the changes of one batch, in order.</summary>
    /// <exception cref="MemoryFormatException">The entry is of another format or damaged.</exception>
    public async ValueTask<List<Entry>?> ReadAsync(long sequence, CancellationToken cancellationToken)
    {
        string key = KeyOf(sequence);
        if (await storage.ReadAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }
        var span = stored.Data.Span;
        if (span.Length >= BatchHeader && span[0] == BatchFormat && span[1] == Batch)
        {
            return ReadBatch(key, span);
        }
        if (span.Length < 4 || span[0] != Format)
        {
            throw span.Length == 0 ? MemoryFormatException.Damaged(key) : MemoryFormatException.Newer(key, span[0], BatchFormat);
        }
        int ownerBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        int at = 4 + ownerBytes;
        if (span.Length < at)
        {
            throw MemoryFormatException.Damaged(key);
        }
        return [Parse(key, sequence, span[1], span.Slice(4, ownerBytes), span[at..])];
    }

    private static List<Entry> ReadBatch(string key, ReadOnlySpan<byte> span)
    {
        int count = BinaryPrimitives.ReadInt32LittleEndian(span[2..]);
        if (count < 1 || count > (span.Length - BatchHeader) / 15)
        {
            throw MemoryFormatException.Damaged(key);
        }
        var entries = new List<Entry>(count);
        int at = BatchHeader;
        for (int i = 0; i < count; i++)
        {
            if (span.Length - at < 11)
            {
                throw MemoryFormatException.Damaged(key);
            }
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            byte kind = span[at + 8];
            int ownerBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 9)..]);
            int payloadAt = at + 11 + ownerBytes + 4;
            if (span.Length < payloadAt)
            {
                throw MemoryFormatException.Damaged(key);
            }
            int payloadBytes = BinaryPrimitives.ReadInt32LittleEndian(span[(payloadAt - 4)..]);
            if (payloadBytes < 0 || span.Length - payloadAt < payloadBytes)
            {
                throw MemoryFormatException.Damaged(key);
            }
            entries.Add(Parse(key, sequence, kind, span.Slice(at + 11, ownerBytes), span.Slice(payloadAt, payloadBytes)));
            at = payloadAt + payloadBytes;
        }
        if (at != span.Length)
        {
            throw MemoryFormatException.Damaged(key);
        }
        return entries;
    }

    private static Entry Parse(string key, long sequence, byte kind, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> payload)
    {
        string name = Encoding.UTF8.GetString(owner);
        return kind switch
        {
            Put when payload.Length >= MemoryRecord.HeaderSize && MemoryRecord.Length(payload) == payload.Length =>
                new Entry(sequence, name, MemoryRecord.Id(payload), payload.ToArray()),
            Remove when payload.Length == 8 => new Entry(sequence, name, BinaryPrimitives.ReadInt64LittleEndian(payload), null),
            _ => throw MemoryFormatException.Damaged(key),
        };
    }

    /// <summary>Deletes every logged change at or below <paramref name="checkpoint"/>, in one commit.</summary>
    public async ValueTask TruncateAsync(long checkpoint, CancellationToken cancellationToken)
    {
        var batch = new StorageBatch();
        foreach (long sequence in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (sequence > checkpoint)
            {
                break;
            }
            batch.Delete(KeyOf(sequence));
        }
        if (batch.Count > 0)
        {
            await storage.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private string KeyOf(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{Folder}{sequence:D19}");

    /// <summary>Refuses an owner whose name an entry cannot hold (called before anything changes).</summary>
    public static void CheckOwner(string owner)
    {
        int ownerBytes = Encoding.UTF8.GetByteCount(owner);
        if (ownerBytes > ushort.MaxValue)
        {
            throw new Syscalls.Errors.InvalidRequestException($"A memory owner's name may have at most {ushort.MaxValue} UTF-8 bytes, not {ownerBytes}.");
        }
    }

    private static byte[] Header(byte kind, string owner, int payload, out int at)
    {
        int ownerBytes = Encoding.UTF8.GetByteCount(owner);
        at = 4 + ownerBytes;
        var value = new byte[at + payload];
        value[0] = (byte)Format;
        value[1] = kind;
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(2), (ushort)ownerBytes);
        Encoding.UTF8.GetBytes(owner, value.AsSpan(4));
        return value;
    }
}
