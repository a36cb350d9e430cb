namespace AgentOS.Storage.Files;

/// <summary>One open file of an <see cref="IStorageDevice"/>: positional reads and writes, a length, and a sync. Reads
/// and writes at different offsets may run concurrently.</summary>
public interface IDeviceFile : IDisposable
{
    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, growing the file as needed. Not durable
    /// until <see cref="Sync"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Reads up to <paramref name="buffer"/>'s length from <paramref name="offset"/>; returns the bytes read
    /// (fewer only at the end of the file).</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Makes every earlier write (and length change) durable: <c>fdatasync</c>.</summary>
    void Sync();

    /// <summary>Cuts or extends the file to <paramref name="length"/> bytes (durable after <see cref="Sync"/>).</summary>
    void SetLength(long length);
}
