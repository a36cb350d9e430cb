using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentOS.Memory;

/// <summary>
/// One agent's item embeddings, unit-normalized, in one contiguous float array (row i = item <c>_ids[i]</c>), with an
/// int8 copy of every row (<c>_codes</c>, a quarter of the bytes) that a search scans first to find the few rows that
/// can be in the top k, before scoring those exactly in fp32 (see <c>VectorIndex.Quantized.cs</c>). Removing swaps the
/// last row into the hole, keeping both arrays dense. Not thread-safe, except that searches of disjoint row ranges on
/// different lanes may run concurrently.
/// </summary>
internal sealed partial class VectorIndex
{
    private readonly Dictionary<long, int> _rowOf = [];
    private float[] _data;
    private sbyte[] _codes;
    private RowCode[] _rowCodes;
    private long[] _ids;

    public VectorIndex(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        Dimensions = dimensions;
        _data = new float[dimensions * 16];
        _codes = new sbyte[dimensions * 16];
        _rowCodes = new RowCode[16];
        _ids = new long[16];
        // Fp32 rounding of the exact scores and of the approximate scores' arithmetic, both bounded in Quantized.cs.
        _slack = (dimensions + 8) * (2f / (1 << 24));
    }

    public int Dimensions { get; }

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
                Array.Resize(ref _rowCodes, Count * 2);
                Array.Resize(ref _data, Count * 2 * Dimensions);
                Array.Resize(ref _codes, Count * 2 * Dimensions);
            }
            row = Count++;
            _rowOf[id] = row;
            _ids[row] = id;
        }
        var target = _data.AsSpan(row * Dimensions, Dimensions);
        vector.CopyTo(target);
        Normalize(target);
        _rowCodes[row] = Quantize(target, _codes.AsSpan(row * Dimensions, Dimensions));
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
            _codes.AsSpan(last * Dimensions, Dimensions).CopyTo(_codes.AsSpan(row * Dimensions, Dimensions));
            _rowCodes[row] = _rowCodes[last];
            _ids[row] = _ids[last];
            _rowOf[_ids[row]] = row;
        }
    }

    /// <summary>Offers every row's similarity to <paramref name="query"/> (unit length) to <paramref name="top"/>,
    /// exactly as <see cref="SearchFullScan(ReadOnlySpan{float}, TopK, int, int)"/> would, reading mostly the int8 copy.</summary>
    public void Search(ReadOnlySpan<float> query, TopK top) => Search(query, top, 0, Count, lane: 0);

    /// <summary>The fp32 scan of rows <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive): every
    /// row's exact score is offered. The reference the int8 search must equal, and its benchmark baseline.</summary>
    public void SearchFullScan(ReadOnlySpan<float> query, TopK top, int from, int to)
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
