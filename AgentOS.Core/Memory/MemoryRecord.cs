using System.Buffers.Binary;
using System.Text;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// The byte layout of one item inside a block, little-endian:
/// <c>[int length][byte flags][float importance][long id][long written UTC ticks][ushort tag count][int content bytes]</c>
/// then each tag as <c>[ushort bytes][UTF-8]</c>, then the content as UTF-8. A removed item keeps its bytes (flag 1)
/// until its block is compacted, so offsets of the other items never move in place.
/// </summary>
internal static class MemoryRecord
{
    public const int HeaderSize = 31;
    private const byte Removed = 1;

    public static int Measure(ReadOnlySpan<char> content, IReadOnlyList<string> tags)
    {
        long size = HeaderSize + (long)Encoding.UTF8.GetByteCount(content);
        for (int i = 0; i < tags.Count; i++)
        {
            size += 2 + Encoding.UTF8.GetByteCount(tags[i]);
        }
        return size > int.MaxValue ? int.MaxValue : (int)size;
    }

    /// <summary>Writes a record of exactly <paramref name="size"/> bytes (from <see cref="Measure"/>).</summary>
    public static void Write(Span<byte> destination, int size, long id, long writtenTicks, float importance, ReadOnlySpan<char> content, IReadOnlyList<string> tags)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, size);
        destination[4] = 0;
        BinaryPrimitives.WriteSingleLittleEndian(destination[5..], importance);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], id);
        BinaryPrimitives.WriteInt64LittleEndian(destination[17..], writtenTicks);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[25..], (ushort)tags.Count);
        int at = HeaderSize;
        for (int i = 0; i < tags.Count; i++)
        {
            int written = Encoding.UTF8.GetBytes(tags[i], destination[(at + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)written);
            at += 2 + written;
        }
        int contentBytes = Encoding.UTF8.GetBytes(content, destination[at..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[27..], contentBytes);
    }

    public static int Length(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt32LittleEndian(record);

    public static bool IsRemoved(ReadOnlySpan<byte> record) => (record[4] & Removed) != 0;

    public static void MarkRemoved(Span<byte> record) => record[4] |= Removed;

    public static void SetId(Span<byte> record, long id) => BinaryPrimitives.WriteInt64LittleEndian(record[9..], id);

    public static long Id(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadInt64LittleEndian(record[9..]);

    public static float Importance(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadSingleLittleEndian(record[5..]);

    public static ReadOnlySpan<byte> ContentBytes(ReadOnlySpan<byte> record)
    {
        int contentBytes = BinaryPrimitives.ReadInt32LittleEndian(record[27..]);
        return record.Slice(Length(record) - contentBytes, contentBytes);
    }

    public static string Content(ReadOnlySpan<byte> record) => Encoding.UTF8.GetString(ContentBytes(record));

    public static MemoryItem Read(ReadOnlySpan<byte> record)
    {
        float importance = BinaryPrimitives.ReadSingleLittleEndian(record[5..]);
        long id = Id(record);
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(record[17..]);
        int tagCount = BinaryPrimitives.ReadUInt16LittleEndian(record[25..]);
        var tags = new string[tagCount];
        int at = HeaderSize;
        for (int i = 0; i < tagCount; i++)
        {
            int bytes = BinaryPrimitives.ReadUInt16LittleEndian(record[at..]);
            tags[i] = Encoding.UTF8.GetString(record.Slice(at + 2, bytes));
            at += 2 + bytes;
        }
        return new MemoryItem(MemoryIds.Format(id), Content(record), tags, new DateTimeOffset(ticks, TimeSpan.Zero), importance);
    }
}
