using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using AgentOS.Storage;

namespace AgentOS.Memory;

/// <summary>
/// Where evicted blocks go: one storage file per block, <c>prefix/owner/serial</c>, holding a format header, the
/// block's used length and its bytes compressed with Brotli (quality 1: eviction is on the allocation path, so speed
/// matters more than ratio). The storage backend's own durability makes a written block survive a restart. Owner names
/// are hex-encoded unless they are plain (letters, digits, '-', '_'), so any agent id makes a valid path.
/// </summary>
/// <remarks>
/// Format 1: <c>"AMB" 0xFF [byte format][int used][Brotli]</c>. The blocks of commit 2c35f17 (format 0) start with
/// <c>[int used]</c> directly; their first four bytes read as a non-negative length, format 1's as a negative one
/// (the 0xFF), so both are read; a later format is refused with <see cref="MemoryFormatException"/>.
/// </remarks>
internal sealed class MemorySwap(IStorageBackend storage, string prefix)
{
    public string Prefix { get; } = prefix.TrimEnd('/');

    public const byte Format = 1;
    private const int HeaderBytes = 4 + 1 + 4;
    private static ReadOnlySpan<byte> Magic => [(byte)'A', (byte)'M', (byte)'B', 0xFF];

    /// <summary>Compresses <paramref name="used"/> and writes it durably; returns the bytes written.</summary>
    public async ValueTask<int> WriteAsync(string owner, long serial, ReadOnlyMemory<byte> used, CancellationToken cancellationToken = default)
    {
        var encoded = Encode(used.Span);
        await storage.WriteAsync(PathOf(owner, serial), encoded, cancellationToken).ConfigureAwait(false);
        return encoded.Length;
    }

    /// <summary>Adds the writes of several blocks to one commit (one sync for all); returns each one's stored size, in
    /// order.</summary>
    public async ValueTask<int[]> WriteAllAsync(IReadOnlyList<(string Owner, long Serial, ReadOnlyMemory<byte> Used)> blocks, CancellationToken cancellationToken = default)
    {
        var batch = new StorageBatch();
        var sizes = new int[blocks.Count];
        for (int i = 0; i < blocks.Count; i++)
        {
            var encoded = Encode(blocks[i].Used.Span);
            sizes[i] = encoded.Length;
            batch.Write(PathOf(blocks[i].Owner, blocks[i].Serial), encoded);
        }
        if (batch.Count > 0)
        {
            await storage.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        return sizes;
    }

    private static byte[] Encode(ReadOnlySpan<byte> used)
    {
        var buffer = new byte[HeaderBytes + BrotliEncoder.GetMaxCompressedLength(used.Length)];
        Magic.CopyTo(buffer);
        buffer[4] = Format;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(5), used.Length);
        if (!BrotliEncoder.TryCompress(used, buffer.AsSpan(HeaderBytes), out int written, quality: 1, window: 22))
        {
            throw new InvalidOperationException("Brotli could not compress a memory block into its maximum compressed length.");
        }
        return buffer[..(HeaderBytes + written)];
    }

    /// <summary>Reads a block back into <paramref name="destination"/>; returns its used length and stored size.</summary>
    /// <exception cref="InvalidDataException">The block is missing or corrupt in storage.</exception>
    public async ValueTask<(int Used, int Stored)> ReadAsync(string owner, long serial, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        string path = PathOf(owner, serial);
        var stored = await storage.ReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"Memory block '{path}' is missing from storage; the memory store's files were changed or lost.");
        return (Decompress(path, stored.Data.Span, destination.Span), stored.Data.Length);
    }

    public async ValueTask DeleteAsync(string owner, long serial, CancellationToken cancellationToken = default) =>
        await storage.DeleteAsync(PathOf(owner, serial), cancellationToken).ConfigureAwait(false);

    /// <summary>Every stored block, by owner and serial.</summary>
    public async ValueTask<IReadOnlyList<(string Owner, long Serial)>> ListAsync(CancellationToken cancellationToken = default)
    {
        var blocks = new List<(string, long)>();
        foreach (var entry in await storage.ListAsync(Prefix + "/", cancellationToken).ConfigureAwait(false))
        {
            var parts = entry.Path[(Prefix.Length + 1)..].Split('/');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long serial) && DecodeOwner(parts[0]) is { } owner)
            {
                blocks.Add((owner, serial));
            }
        }
        return blocks;
    }

    private static int Decompress(string path, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        int start = 4;
        if (stored.Length >= HeaderBytes && stored[..4].SequenceEqual(Magic))
        {
            if (stored[4] != Format)
            {
                throw MemoryFormatException.Newer(path, stored[4], Format);
            }
            stored = stored[5..];
        }
        // Otherwise format 0 (commit 2c35f17): the length comes first. Format 1's header reads as a negative length.
        int used = stored.Length >= start ? BinaryPrimitives.ReadInt32LittleEndian(stored) : -1;
        if (used < 0 || used > destination.Length ||
            !BrotliDecoder.TryDecompress(stored[start..], destination, out int written) || written != used)
        {
            throw new InvalidDataException($"Memory block '{path}' is corrupt in storage (its length or compressed bytes do not check).");
        }
        return used;
    }

    private string PathOf(string owner, long serial) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}/{EncodeOwner(owner)}/{serial:D12}");

    private static string EncodeOwner(string owner) =>
        owner.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? "n" + owner
            : "x" + Convert.ToHexString(Encoding.UTF8.GetBytes(owner));

    private static string? DecodeOwner(string encoded)
    {
        if (encoded.Length < 2)
        {
            return null;
        }
        if (encoded[0] == 'n')
        {
            return encoded[1..];
        }
        try
        {
            return encoded[0] == 'x' ? Encoding.UTF8.GetString(Convert.FromHexString(encoded.AsSpan(1))) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
