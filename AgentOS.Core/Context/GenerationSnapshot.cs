using System.Buffers.Binary;
using System.Text;

namespace AgentOS.Context;

/// <summary>
/// A generation stopped part-way by a context switch: the answer's text so far, and, for a backend that owns its
/// model (the embedded engine), the engine's exact state (KV cache, tokens, sampler). A backend that can continue a
/// partial assistant message needs only the text. Serializes to a versioned, checksummed byte format so it survives a
/// kernel restart through the storage interface.
/// </summary>
public sealed class GenerationSnapshot
{
    /// <summary>The byte format version <see cref="ToBytes"/> writes.</summary>
    public const int FormatVersion = 1;

    private const uint Magic = 0x4E534741; // "AGSN" read as a little-endian u32

    /// <summary>The backend that produced it (only that backend can continue it).</summary>
    public required string Backend { get; init; }

    /// <summary>The answer's text so far.</summary>
    public string Text { get; init; } = "";

    /// <summary>Tokens generated so far.</summary>
    public int CompletionTokens { get; init; }

    private byte[]? _state;
    private int _stateLength;
    private bool _pooled;
    private int _released;

    /// <summary>The engine's own state, or <see langword="null"/> for a text-only snapshot. For a snapshot the kernel
    /// made at a context switch (its state in a pooled buffer), a copy of the state.</summary>
    /// <exception cref="ObjectDisposedException">The snapshot was resumed and its pooled buffer given back.</exception>
    public byte[]? EngineState
    {
        get => _pooled ? State.ToArray() : _state;
        init
        {
            _state = value;
            _stateLength = value?.Length ?? 0;
        }
    }

    /// <summary>Whether it carries engine state.</summary>
    internal bool HasEngineState => _state is not null || _pooled;

    /// <summary>The engine state without a copy, valid until <see cref="Release"/>.</summary>
    /// <exception cref="ObjectDisposedException">The snapshot was released.</exception>
    internal ReadOnlySpan<byte> State
    {
        get
        {
            var state = Volatile.Read(ref _state);
            if (Volatile.Read(ref _released) != 0 || (state is null && _pooled))
            {
                throw new ObjectDisposedException(nameof(GenerationSnapshot), "The snapshot was resumed already and its buffer given back: a context switch's snapshot continues its generation once. Start the generation again from its prompt.");
            }
            return state.AsSpan(0, _stateLength);
        }
    }

    /// <summary>A snapshot whose engine state lies in <paramref name="state"/>, an array rented from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/> that it now owns: <see cref="Release"/> gives it back.</summary>
    internal static GenerationSnapshot Pooled(string backend, string text, int completionTokens, ArraySegment<byte> state) => new()
    {
        Backend = backend,
        Text = text,
        CompletionTokens = completionTokens,
        _state = state.Array ?? throw new ArgumentException("A pooled snapshot needs its buffer.", nameof(state)),
        _stateLength = state.Count,
        _pooled = true,
    };

    /// <summary>
    /// The release point of a pooled snapshot: called once its state is consumed (the generation resumed from it).
    /// Gives the buffer back to the pool, once; afterwards any read of the state throws, so a recycled buffer is never
    /// read through this snapshot again. A snapshot that is dropped instead (its syscall cancelled, its agent removed)
    /// is never released: the garbage collector takes its buffer, which the pool then never hands out. No effect on a
    /// snapshot that does not own a pooled buffer.
    /// </summary>
    internal void Release()
    {
        if (!_pooled || Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        var state = Interlocked.Exchange(ref _state, null);
        if (state is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(state);
        }
    }

    /// <summary>
    /// The snapshot as bytes: magic "AGSN", u16 version, u16 flags (1: engine state present), i32 completion tokens,
    /// then backend name, text and engine state as i32-length-prefixed byte strings, then a u64 checksum.
    /// </summary>
    public byte[] ToBytes()
    {
        var backend = Encoding.UTF8.GetBytes(Backend);
        var text = Encoding.UTF8.GetBytes(Text);
        ReadOnlySpan<byte> state = HasEngineState ? State : default;
        var bytes = new byte[12 + 12 + backend.Length + text.Length + state.Length + 8];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)(HasEngineState ? 1 : 0));
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], CompletionTokens);
        int at = 12;
        foreach (var part in (ReadOnlySpan<byte[]>)[backend, text])
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], part.Length);
            part.CopyTo(span[(at + 4)..]);
            at += 4 + part.Length;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], state.Length);
        state.CopyTo(span[(at + 4)..]);
        at += 4 + state.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], Checksum(span[..at]));
        return bytes;
    }

    /// <summary>Reads a snapshot <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="SnapshotFormatException">The bytes are truncated, corrupted, or of another format version.</exception>
    public static GenerationSnapshot FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 32 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new SnapshotFormatException("The bytes are not a generation snapshot (no AGSN magic, or too short).");
        }
        int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new SnapshotFormatException($"The generation snapshot has format version {version}; this kernel reads version {FormatVersion}. Start the generation again.");
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]) != Checksum(bytes[..^8]))
        {
            throw new SnapshotFormatException("The generation snapshot's checksum does not match its contents; it is truncated or corrupted. Start the generation again.");
        }
        bool hasState = (BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]) & 1) != 0;
        int tokens = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int at = 12;
        var parts = new byte[3][];
        for (int i = 0; i < parts.Length; i++)
        {
            int length = at + 4 <= bytes.Length - 8 ? BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]) : -1;
            if (length < 0 || length > bytes.Length - 8 - at - 4)
            {
                throw new SnapshotFormatException("The generation snapshot's lengths do not fit its size; it is corrupted.");
            }
            parts[i] = bytes.Slice(at + 4, length).ToArray();
            at += 4 + length;
        }
        if (at != bytes.Length - 8 || tokens < 0)
        {
            throw new SnapshotFormatException("The generation snapshot's lengths do not fit its size; it is corrupted.");
        }
        return new GenerationSnapshot
        {
            Backend = Encoding.UTF8.GetString(parts[0]),
            Text = Encoding.UTF8.GetString(parts[1]),
            CompletionTokens = tokens,
            EngineState = hasState ? parts[2] : null,
        };
    }

    // FNV-style, byte by byte: snapshots are small next to the engine state, which carries its own checksum.
    private static ulong Checksum(ReadOnlySpan<byte> data)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }
        return hash;
    }
}
