using System.Buffers.Binary;
using AgentOS.Formats;

namespace AgentOS.Storage.Files;

/// <summary>
/// The header a segment file starts with since format version 1: magic <c>AOSSEGMT</c> (u64), version u32, reserved
/// u32 (zero), then frames. Version 0 segments (commit 2c35f17 and before) have no header: frames start at byte 0.
/// The two cannot be confused: a version-0 file starting with the magic would be a frame whose length field reads
/// "EGMT", 1.4 GB, above <see cref="LogRecord.MaxBody"/>, which no writer ever wrote.
/// </summary>
internal static class SegmentHeader
{
    public const int Size = 16;
    private const ulong Magic = 0x544D474553534F41; // "AOSSEGMT" read as a little-endian u64

    /// <summary>What a segment's first bytes say about it.</summary>
    public enum Kind
    {
        /// <summary>Version 0: no header, frames from byte 0.</summary>
        Legacy,

        /// <summary>A current header: frames from <see cref="Size"/>.</summary>
        Current,

        /// <summary>Empty, or a header cut short by a crash while the segment was being created: nothing in it yet.</summary>
        Incomplete,
    }

    /// <summary>Writes the header at the start of a new, empty segment and makes it durable.</summary>
    public static void Write(IDeviceFile file)
    {
        Span<byte> header = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersions.FileStoreSegment);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        file.SetLength(0);
        file.Write(0, header);
        file.Sync();
    }

    /// <summary>Reads the segment's header.</summary>
    /// <exception cref="FormatVersionException">The header names a version this build does not read.</exception>
    public static Kind Read(IDeviceFile file, string path)
    {
        Span<byte> header = stackalloc byte[Size];
        int read = file.Read(0, header[..(int)Math.Min(Size, file.Length)]);
        Span<byte> magic = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(magic, Magic);
        if (read < 8)
        {
            return header[..read].SequenceEqual(magic[..read]) ? Kind.Incomplete : Kind.Legacy;
        }
        if (!header[..8].SequenceEqual(magic))
        {
            return Kind.Legacy;
        }
        if (read < Size)
        {
            return Kind.Incomplete;
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version is 0 or > FormatVersions.FileStoreSegment)
        {
            throw new FormatVersionException(path, "file-store segment", version, FormatVersions.FileStoreSegment);
        }
        return Kind.Current;
    }
}
