using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// The ids of one agent's items not yet indexed, in order: a list in chunks of <see cref="ChunkLength"/>, so growing it
/// never copies it and never allocates an array on the large-object heap (a <c>long[]</c> doubled past 85 KB did, and
/// the large-object budget sets off full collections; see <see cref="ItemTable"/>).
/// </summary>
internal sealed class PendingIds
{
    /// <summary>Ids per chunk: 32 KB, in the small-object heap.</summary>
    public const int ChunkLength = 4096;

    private const int Shift = 12;
    private const int Mask = ChunkLength - 1;

    private readonly List<long[]> _chunks = [];

    public int Count { get; private set; }

    public long this[int index]
    {
        get => _chunks[index >> Shift][index & Mask];
        set => _chunks[index >> Shift][index & Mask] = value;
    }

    public void Add(long id)
    {
        if (Count == _chunks.Count * ChunkLength)
        {
            // The first chunk starts small: most agents hold a few items.
            _chunks.Add(new long[_chunks.Count == 0 ? 16 : ChunkLength]);
        }
        else if (Count == 16 && _chunks.Count == 1 && _chunks[0].Length == 16)
        {
            Array.Resize(ref FirstChunk(), ChunkLength);
        }
        _chunks[Count >> Shift][Count & Mask] = id;
        Count++;
    }

    private ref long[] FirstChunk() => ref CollectionsMarshal.AsSpan(_chunks)[0];

    /// <summary>Keeps the first <paramref name="count"/> ids.</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count = count;
    }

    /// <summary>Drops the first <paramref name="count"/> ids, keeping the order of the rest.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        for (int i = count; i < Count; i++)
        {
            this[i - count] = this[i];
        }
        Count -= count;
    }

    /// <summary>Makes room for <paramref name="extra"/> more ids, so adding them allocates nothing.</summary>
    public void EnsureCapacity(int extra)
    {
        long needed = (long)Count + extra;
        if (_chunks.Count == 1 && _chunks[0].Length < ChunkLength && needed > _chunks[0].Length)
        {
            Array.Resize(ref FirstChunk(), ChunkLength);
        }
        while ((long)_chunks.Count * ChunkLength < needed)
        {
            _chunks.Add(new long[ChunkLength]);
        }
    }
}
