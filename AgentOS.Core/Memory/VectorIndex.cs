using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// One agent's item embeddings, unit-normalized, in one contiguous float array (row i = item <c>_ids[i]</c>), so an
/// exact search is a single SIMD pass of dot products (cosine similarity) over memory laid out for the prefetcher.
/// Removing swaps the last row into the hole, keeping the array dense. Not thread-safe.
/// </summary>
internal sealed class VectorIndex(int dimensions)
{
    private readonly Dictionary<long, int> _rowOf = [];
    private float[] _data = new float[dimensions * 16];
    private long[] _ids = new long[16];

    public int Dimensions { get; } = dimensions;

    public int Count { get; private set; }

    public bool Contains(long id) => _rowOf.ContainsKey(id);

    public long IdAt(int row) => _ids[row];

    public ReadOnlySpan<float> Row(int row) => _data.AsSpan(row * Dimensions, Dimensions);

    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The embedding has {vector.Length} dimensions; this index holds {Dimensions}.", nameof(vector));
        }
        if (!_rowOf.TryGetValue(id, out int row))
        {
            if (Count == _ids.Length)
            {
                Array.Resize(ref _ids, Count * 2);
                Array.Resize(ref _data, Count * 2 * Dimensions);
            }
            row = Count++;
            _rowOf[id] = row;
            _ids[row] = id;
        }
        var target = _data.AsSpan(row * Dimensions, Dimensions);
        vector.CopyTo(target);
        Normalize(target);
    }

    public void Remove(long id)
    {
        if (!_rowOf.Remove(id, out int row))
        {
            return;
        }
        int last = --Count;
        if (row != last)
        {
            _data.AsSpan(last * Dimensions, Dimensions).CopyTo(_data.AsSpan(row * Dimensions, Dimensions));
            _ids[row] = _ids[last];
            _rowOf[_ids[row]] = row;
        }
    }

    /// <summary>Offers every row's similarity to <paramref name="query"/> (unit length) to <paramref name="top"/>.</summary>
    public void Search(ReadOnlySpan<float> query, TopK top) => Search(query, top, 0, Count);

    /// <summary>Offers rows <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    public void Search(ReadOnlySpan<float> query, TopK top, int from, int to)
    {
        for (int row = from; row < to; row++)
        {
            float score = Dot(query, _data.AsSpan(row * Dimensions, Dimensions));
            if (score > top.Threshold)
            {
                top.Offer(_ids[row], score);
            }
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
        var sum0 = Vector<float>.Zero;
        var sum1 = Vector<float>.Zero;
        int i = 0;
        for (; i + 1 < va.Length; i += 2)
        {
            sum0 += va[i] * vb[i];
            sum1 += va[i + 1] * vb[i + 1];
        }
        if (i < va.Length)
        {
            sum0 += va[i] * vb[i];
        }
        float sum = Vector.Sum(sum0 + sum1);
        for (int j = va.Length * Vector<float>.Count; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }
        return sum;
    }

    public static void Normalize(Span<float> vector)
    {
        float norm = MathF.Sqrt(Dot(vector, vector));
        if (norm > 0)
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }
    }
}
