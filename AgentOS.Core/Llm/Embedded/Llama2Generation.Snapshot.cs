using System.Buffers.Binary;
using AgentOS.Context;
using System.Runtime.InteropServices;

namespace AgentOS.Llm.Embedded;

// The snapshot format, version 1, little-endian:
//   magic "AOKV", u16 version, u16 reserved (0)
//   the model's shape: dim, hidden dim, layers, heads, kv heads, vocab size, context, shared classifier (8 × i32)
//   position, prompt length, step budget, token count (4 × i32)
//   sampler: temperature (f32), top-p (f32), random state (u64)
//   tokens (token count × i32)
//   keys, then values: per layer, positions 0 .. position-1, kv width floats each (f32)
//   checksum (u64) of every byte before it
public sealed partial class Llama2Generation
{
    /// <summary>The snapshot format version this engine writes and reads.</summary>
    public const int SnapshotVersion = 1;

    private const uint Magic = 0x564B4F41; // "AOKV" read as a little-endian u32
    private const int HeaderBytes = 8 + 8 * 4 + 4 * 4 + 4 + 4 + 8;

    /// <summary>The size <see cref="Suspend"/> would write now.</summary>
    public int SnapshotBytes => SizeFor(_pool.Model.Config, Position, _count);

    /// <summary>
    /// Writes the whole state to bytes and gives the KV cache back to the pool: the generation is over here and
    /// continues wherever <see cref="Resume"/> is given these bytes, with exactly the tokens it would have produced.
    /// </summary>
    /// <exception cref="InvalidOperationException">It finished (there is nothing to continue), or was already suspended.</exception>
    public byte[] Suspend()
    {
        ThrowIfFinished();
        var bytes = GC.AllocateUninitializedArray<byte>(SnapshotBytes); // every byte is written below
        WriteSnapshot(bytes);
        return bytes;
    }

    // Suspend into a buffer rented from the shared ArrayPool (a context switch's snapshot lives from one quantum to
    // the next; a fresh ~330 KB array each time is a large-object allocation per switch). The segment covers exactly
    // the snapshot; its owner returns the array once the snapshot is consumed (GenerationSnapshot.Release).
    internal ArraySegment<byte> SuspendPooled()
    {
        ThrowIfFinished();
        int length = SnapshotBytes;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            WriteSnapshot(buffer.AsSpan(0, length));
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new ArraySegment<byte>(buffer, 0, length);
    }

    // Writes the whole state (exactly SnapshotBytes) and gives the KV cache back to the pool.
    private void WriteSnapshot(Span<byte> span)
    {
        var sequence = Sequence;
        var c = _pool.Model.Config;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], SnapshotVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], 0); // reserved
        int at = 8;
        foreach (int value in (ReadOnlySpan<int>)[c.Dim, c.HiddenDim, c.Layers, c.Heads, c.KvHeads, c.VocabSize, c.SeqLen, c.SharedClassifier ? 1 : 0, Position, PromptLength, Steps, _count])
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
            at += 4;
        }
        BinaryPrimitives.WriteSingleLittleEndian(span[at..], Sampler.Temperature);
        BinaryPrimitives.WriteSingleLittleEndian(span[(at + 4)..], Sampler.TopP);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], Sampler.RandomState);
        at += 16;
        at = Write(span, at, _tokens.AsSpan(0, _count));
        int perLayer = Position * c.KvDim;
        foreach (var cache in (ReadOnlySpan<float[]>)[sequence.KeyCache, sequence.ValueCache])
        {
            for (int layer = 0; layer < c.Layers; layer++)
            {
                at = Write(span, at, cache.AsSpan(layer * c.SeqLen * c.KvDim, perLayer));
            }
        }
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], Checksum(span[..at]));
        _counters?.AddSnapshot();
        Dispose();
    }

    /// <summary>Continues a suspended generation from its snapshot, in a sequence from <paramref name="pool"/>, with no
    /// prefill: the next step computes the position it stopped at.</summary>
    /// <exception cref="SnapshotFormatException">The bytes are truncated, corrupted, of another version, or of a model of
    /// another shape than the pool's.</exception>
    public static Llama2Generation Resume(Llama2SequencePool pool, ReadOnlySpan<byte> snapshot, Llama2Counters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var c = pool.Model.Config;
        if (snapshot.Length < HeaderBytes + 8)
        {
            throw new SnapshotFormatException($"The snapshot is {snapshot.Length} bytes, shorter than any generation snapshot ({HeaderBytes + 8}); it is truncated or not a snapshot.");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(snapshot) != Magic)
        {
            throw new SnapshotFormatException("The bytes are not a generation snapshot of the embedded engine (no AOKV magic).");
        }
        int version = BinaryPrimitives.ReadUInt16LittleEndian(snapshot[4..]);
        if (version != SnapshotVersion)
        {
            throw new SnapshotFormatException($"The snapshot has format version {version}; this engine reads version {SnapshotVersion}. Resume it with the engine that wrote it, or start the generation again.");
        }
        Span<int> h = stackalloc int[12];
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = BinaryPrimitives.ReadInt32LittleEndian(snapshot[(8 + 4 * i)..]);
        }
        var shape = new Llama2Config(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] != 0);
        if (shape != c)
        {
            throw new SnapshotFormatException($"The snapshot was taken from a model of another shape ({shape}); this engine runs {c}. Resume it on the model that produced it.");
        }
        int position = h[8], promptLength = h[9], steps = h[10], count = h[11];
        if (steps < 1 || steps > c.SeqLen || position < 0 || position >= steps || promptLength < 1 || count != Math.Max(position + 1, promptLength))
        {
            throw new SnapshotFormatException($"The snapshot's state is inconsistent (position {position}, prompt {promptLength} tokens, budget {steps}, {count} tokens); it is corrupted.");
        }
        int expected = SizeFor(c, position, count);
        if (snapshot.Length != expected)
        {
            throw new SnapshotFormatException($"The snapshot is {snapshot.Length} bytes but its header says {expected}; it is truncated or corrupted.");
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(snapshot[(expected - 8)..]) != Checksum(snapshot[..(expected - 8)]))
        {
            throw new SnapshotFormatException("The snapshot's checksum does not match its contents; it is corrupted. Start the generation again from its prompt.");
        }
        int at = 8 + 12 * 4;
        var sampler = new Llama2Sampler(
            BinaryPrimitives.ReadSingleLittleEndian(snapshot[at..]),
            BinaryPrimitives.ReadSingleLittleEndian(snapshot[(at + 4)..]),
            BinaryPrimitives.ReadUInt64LittleEndian(snapshot[(at + 8)..]));
        at += 16;
        var tokens = new int[Math.Max(count, steps + 1)];
        at = Read(snapshot, at, tokens.AsSpan(0, count));
        foreach (int token in tokens.AsSpan(0, count))
        {
            if ((uint)token >= (uint)c.VocabSize)
            {
                throw new SnapshotFormatException($"The snapshot holds token {token}, outside the vocabulary; it is corrupted.");
            }
        }
        var generation = new Llama2Generation(pool, counters, tokens, count, promptLength, position, steps, sampler);
        var sequence = generation.Sequence;
        int perLayer = position * c.KvDim;
        foreach (var cache in (ReadOnlySpan<float[]>)[sequence.KeyCache, sequence.ValueCache])
        {
            for (int layer = 0; layer < c.Layers; layer++)
            {
                at = Read(snapshot, at, cache.AsSpan(layer * c.SeqLen * c.KvDim, perLayer));
            }
        }
        counters?.AddRestore();
        return generation;
    }

    private static int SizeFor(Llama2Config c, int position, int count) =>
        checked(HeaderBytes + 4 * count + 2 * 4 * c.Layers * position * c.KvDim + 8);

    private static int Write<T>(Span<byte> to, int at, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(to[at..]);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(to.Slice(at, bytes.Length), bytes.Length / values.Length);
        }
        return at + bytes.Length;
    }

    private static int Read<T>(ReadOnlySpan<byte> from, int at, Span<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        from.Slice(at, bytes.Length).CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(bytes, bytes.Length / values.Length);
        }
        return at + bytes.Length;
    }

    private static void ReverseEach(Span<byte> bytes, int width)
    {
        for (int i = 0; i < bytes.Length; i += width)
        {
            bytes.Slice(i, width).Reverse();
        }
    }

    // Detects truncation and corruption: each 8-byte word passes through a bijection of its lane's state, so one
    // changed word always changes the result. Four independent lanes keep the multiplier busy (a single chain waits
    // on every multiply). Not a defence against deliberate tampering.
    private static ulong Checksum(ReadOnlySpan<byte> data)
    {
        const ulong Prime = 0x100000001B3UL;
        ulong h0 = 0xCBF29CE484222325UL, h1 = 0x84222325CBF29CE4UL, h2 = 0x9E3779B97F4A7C15UL, h3 = 0xC2B2AE3D27D4EB4FUL;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        int i = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            h0 = ulong.RotateLeft((h0 ^ Word(words[i])) * Prime, 29);
            h1 = ulong.RotateLeft((h1 ^ Word(words[i + 1])) * Prime, 29);
            h2 = ulong.RotateLeft((h2 ^ Word(words[i + 2])) * Prime, 29);
            h3 = ulong.RotateLeft((h3 ^ Word(words[i + 3])) * Prime, 29);
        }
        for (; i < words.Length; i++)
        {
            h0 = ulong.RotateLeft((h0 ^ Word(words[i])) * Prime, 29);
        }
        foreach (byte b in data[(words.Length * 8)..])
        {
            h0 = ulong.RotateLeft((h0 ^ b) * Prime, 29);
        }
        return h0 ^ ulong.RotateLeft(h1, 17) ^ ulong.RotateLeft(h2, 31) ^ ulong.RotateLeft(h3, 47);
    }

    private static ulong Word(ulong raw) => BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
}
