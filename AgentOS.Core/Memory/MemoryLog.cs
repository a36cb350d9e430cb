using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AgentOS.Storage;

namespace AgentOS.Memory;

/// <summary>
/// The memory store's write-ahead log, kept in the same storage backend as its blocks: one key per logged change,
/// <c>prefix-log/NNNNNNNNNNNNNNNNNNN</c> (its sequence number), plus one state key, <c>prefix-log/state</c>.
/// </summary>
/// <remarks>
/// <para><b>Why through the storage backend.</b> The file store already turns concurrent writes into one append and
/// one <c>fdatasync</c> per group (its flusher) on its device; each logged change is just another write handed to it,
/// so memory's durability is the storage layer's group commit, not a second copy of it.</para>
/// <para><b>Entries</b> (format 1): <c>[byte format][byte kind][ushort owner bytes][owner UTF-8]</c> then, for a put,
/// the item's whole record (<see cref="MemoryRecord"/>: an add and an update both log the item's full new state, so
/// replay is an upsert and replaying an entry twice changes nothing) or, for a remove, <c>[long id]</c>.</para>
/// <para><b>State</b> (format 1): <c>"AOML" [ushort format][long checkpoint][long ids reserved below]</c>. Entries at
/// or below the checkpoint are already in the stored blocks; ids below the reserved bound may have been handed out,
/// so a reopened store starts issuing at the bound and never reuses an id. A folder written before this log existed
/// (commit 2c35f17: blocks only, no state key) opens as is; a state or entry of a newer format is refused with
/// <see cref="MemoryFormatException"/>.</para>
/// </remarks>
internal sealed class MemoryLog(IStorageBackend storage, string prefix)
{
    public const ushort Format = 1;
    private const byte Put = 1;
    private const byte Remove = 2;
    private const int StateBytes = 4 + 2 + 8 + 8;
    private static ReadOnlySpan<byte> Magic => "AOML"u8;

    public string Folder { get; } = prefix.TrimEnd('/') + "-log/";

    private string StateKey => Folder + "state";

    /// <summary>One change read back from the log.</summary>
    public readonly record struct Entry(long Sequence, string Owner, long Id, byte[]? Record);

    /// <summary>Hands a put of <paramref name="record"/> (an item's whole record) to storage. The write is queued by the
    /// time this returns (the file store orders it behind every earlier one); the task completes once it is durable.</summary>
    public ValueTask<StorageEntry> AppendPut(long sequence, string owner, ReadOnlySpan<byte> record)
    {
        var value = Header(Put, owner, record.Length, out int at);
        record.CopyTo(value.AsSpan(at));
        return storage.WriteAsync(KeyOf(sequence), value);
    }

    /// <summary>Hands a remove of item <paramref name="id"/> to storage (see <see cref="AppendPut"/>).</summary>
    public ValueTask<StorageEntry> AppendRemove(long sequence, string owner, long id)
    {
        var value = Header(Remove, owner, 8, out int at);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(at), id);
        return storage.WriteAsync(KeyOf(sequence), value);
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

    /// <summary>Reads one logged change.</summary>
    /// <exception cref="MemoryFormatException">The entry is of another format or damaged.</exception>
    public async ValueTask<Entry?> ReadAsync(long sequence, CancellationToken cancellationToken)
    {
        string key = KeyOf(sequence);
        if (await storage.ReadAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }
        var span = stored.Data.Span;
        if (span.Length < 4 || span[0] != Format)
        {
            throw span.Length == 0 ? MemoryFormatException.Damaged(key) : MemoryFormatException.Newer(key, span[0], Format);
        }
        int ownerBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        int at = 4 + ownerBytes;
        if (span.Length < at)
        {
            throw MemoryFormatException.Damaged(key);
        }
        string owner = Encoding.UTF8.GetString(span.Slice(4, ownerBytes));
        var payload = span[at..];
        switch (span[1])
        {
            case Put when payload.Length >= MemoryRecord.HeaderSize && MemoryRecord.Length(payload) == payload.Length:
                return new Entry(sequence, owner, MemoryRecord.Id(payload), payload.ToArray());
            case Remove when payload.Length == 8:
                return new Entry(sequence, owner, BinaryPrimitives.ReadInt64LittleEndian(payload), null);
            default:
                throw MemoryFormatException.Damaged(key);
        }
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
