using System.Buffers.Binary;
using System.Text;

namespace AgentOS.Storage.Files;

/// <summary>
/// The segment files' record format. A segment is a <see cref="SegmentHeader"/> then a sequence of frames; each frame is one commit (a single write or a
/// whole batch), so a commit is durable and visible all or nothing.
/// <code>
/// frame:  crc32c u32 | body length u32 | body        (crc over the length field and the body)
/// body:   op count i32 | ops
/// op:     kind u8 (1 put, 2 delete) | key length u16 | key (UTF-8)
/// put:    ... | version i32 | ticks i64 | value length i32 | value crc32c u32 | value
/// </code>
/// All integers little-endian. A put carries its version explicitly, so replay (and compaction, which copies live
/// puts forward) never has to infer it. The value has its own checksum so a read can verify just the bytes it reads.
/// </summary>
internal static class LogRecord
{
    public const int FrameHeader = 8;
    public const byte Put = 1;
    public const byte Delete = 2;
    public const int PutFixed = 1 + 2 + 4 + 8 + 4 + 4;
    public const int DeleteFixed = 1 + 2;

    // A body larger than this is garbage (the length field of a torn frame), not a real commit.
    public const int MaxBody = 1 << 30;

    public static int PutSize(string key, int valueLength) => PutFixed + Encoding.UTF8.GetByteCount(key) + valueLength;

    public static int DeleteSize(string key) => DeleteFixed + Encoding.UTF8.GetByteCount(key);

    /// <summary>Writes a put op at <paramref name="at"/>; returns the value's offset within the span.</summary>
    public static int WritePut(Span<byte> at, string key, int version, long ticks, ReadOnlySpan<byte> value, uint valueCrc, out int written)
    {
        at[0] = Put;
        int keyBytes = Encoding.UTF8.GetBytes(key, at[3..]);
        BinaryPrimitives.WriteUInt16LittleEndian(at[1..], (ushort)keyBytes);
        int p = 3 + keyBytes;
        BinaryPrimitives.WriteInt32LittleEndian(at[p..], version);
        BinaryPrimitives.WriteInt64LittleEndian(at[(p + 4)..], ticks);
        BinaryPrimitives.WriteInt32LittleEndian(at[(p + 12)..], value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(at[(p + 16)..], valueCrc);
        p += 20;
        value.CopyTo(at[p..]);
        written = p + value.Length;
        return p;
    }

    /// <summary>Fills in the value checksum of a put op written by <see cref="WritePut"/> (whose result was
    /// <paramref name="valueAt"/>): the flusher checksums the value once copied, so the checksum and the logged bytes
    /// agree even if the caller changes its buffer meanwhile.</summary>
    public static void SetValueCrc(Span<byte> at, int valueAt, uint valueCrc) => BinaryPrimitives.WriteUInt32LittleEndian(at[(valueAt - 4)..], valueCrc);

    public static int WriteDelete(Span<byte> at, string key)
    {
        at[0] = Delete;
        int keyBytes = Encoding.UTF8.GetBytes(key, at[3..]);
        BinaryPrimitives.WriteUInt16LittleEndian(at[1..], (ushort)keyBytes);
        return 3 + keyBytes;
    }

    /// <summary>Fills the frame header of a frame whose body is <c>frame[8..]</c>.</summary>
    public static void Seal(Span<byte> frame)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], frame.Length - FrameHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Crc32C.Compute(frame[4..]));
    }

    /// <summary>
    /// The length of the whole frame starting at <paramref name="data"/>, or -1 when it is incomplete, implausible or
    /// fails its checksum (a torn or corrupt frame).
    /// </summary>
    public static int CheckFrame(ReadOnlySpan<byte> data)
    {
        if (data.Length < FrameHeader)
        {
            return -1;
        }
        int body = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (body is < 4 or > MaxBody || body > data.Length - FrameHeader)
        {
            return -1;
        }
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(data);
        return Crc32C.Compute(data.Slice(4, body + 4)) == expected ? body + FrameHeader : -1;
    }

    /// <summary>
    /// The offset in <paramref name="data"/> of the first frame that passes its checksum, or -1. Recovery asks this
    /// after a damaged frame: an intact frame after it means the damage is not a crash's torn end of the log.
    /// Cheap plausibility checks come before the checksum, so a scan of a long tail costs about one pass.
    /// </summary>
    public static int FindIntactFrame(ReadOnlySpan<byte> data)
    {
        for (int q = 0; q <= data.Length - FrameHeader - 4; q++)
        {
            int body = BinaryPrimitives.ReadInt32LittleEndian(data[(q + 4)..]);
            if (body < 4 || body > data.Length - q - FrameHeader)
            {
                continue;
            }
            int count = BinaryPrimitives.ReadInt32LittleEndian(data[(q + FrameHeader)..]);
            if (count < 0 || count > body || count > 0 && (body < 4 + DeleteFixed || data[q + FrameHeader + 4] is not (Put or Delete)))
            {
                continue;
            }
            if (CheckFrame(data[q..]) > 0)
            {
                return q;
            }
        }
        return -1;
    }

    /// <summary>One decoded op of a checked frame.</summary>
    public readonly record struct Op(byte Kind, string Key, int Version, long Ticks, int ValueOffset, int ValueLength, uint ValueCrc);

    /// <summary>Decodes the ops of a frame that passed <see cref="CheckFrame"/>; value offsets are relative to the frame start.</summary>
    /// <exception cref="FormatException">The body does not parse (a checksum collision or a bug, never a crash).</exception>
    public static List<Op> ReadOps(ReadOnlySpan<byte> frame)
    {
        int count = BinaryPrimitives.ReadInt32LittleEndian(frame[FrameHeader..]);
        int p = FrameHeader + 4;
        if (count < 0 || count > frame.Length)
        {
            throw new FormatException($"A frame claims {count} ops.");
        }
        var ops = new List<Op>(count);
        for (int i = 0; i < count; i++)
        {
            byte kind = frame[p];
            int keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(frame[(p + 1)..]);
            string key = Encoding.UTF8.GetString(frame.Slice(p + 3, keyBytes));
            p += 3 + keyBytes;
            if (kind == Delete)
            {
                ops.Add(new Op(kind, key, 0, 0, 0, 0, 0));
                continue;
            }
            if (kind != Put)
            {
                throw new FormatException($"Unknown op kind {kind}.");
            }
            int version = BinaryPrimitives.ReadInt32LittleEndian(frame[p..]);
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(frame[(p + 4)..]);
            int length = BinaryPrimitives.ReadInt32LittleEndian(frame[(p + 12)..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[(p + 16)..]);
            p += 20;
            if (length < 0 || p + length > frame.Length)
            {
                throw new FormatException($"A value of {length} bytes overruns its frame.");
            }
            ops.Add(new Op(kind, key, version, ticks, p, length, crc));
            p += length;
        }
        return ops;
    }
}
