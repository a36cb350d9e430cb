using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using AgentOS.Storage;

namespace AgentOS.Memory;

/// <summary>
/// Where evicted blocks go: one storage file per block, <c>prefix/owner/serial</c>, holding the block's used length
/// and its bytes compressed with Brotli (quality 1: eviction is on the allocation path, so speed matters more than
/// ratio). The storage backend's own durability makes a written block survive a restart. Owner names are hex-encoded
/// unless they are plain (letters, digits, '-', '_'), so any agent id makes a valid path.
/// </summary>
internal sealed class MemorySwap(IStorageBackend storage, string prefix)
{
    public string Prefix { get; } = prefix.TrimEnd('/');

    /// <summary>Compresses <paramref name="used"/> and writes it durably; returns the bytes written.</summary>
    public async ValueTask<int> WriteAsync(string owner, long serial, ReadOnlyMemory<byte> used, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[4 + BrotliEncoder.GetMaxCompressedLength(used.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, used.Length);
        if (!BrotliEncoder.TryCompress(used.Span, buffer.AsSpan(4), out int written, quality: 1, window: 22))
        {
            throw new InvalidOperationException("Brotli could not compress a memory block into its maximum compressed length.");
        }
        await storage.WriteAsync(PathOf(owner, serial), buffer.AsMemory(0, 4 + written), cancellationToken).ConfigureAwait(false);
        return 4 + written;
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
        int used = stored.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(stored) : -1;
        if (used < 0 || used > destination.Length ||
            !BrotliDecoder.TryDecompress(stored[4..], destination, out int written) || written != used)
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
