using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentOS.Memory;

/// <content>
/// Exact top-k that reads a quarter of the bytes: a SIMD integer pass over the int8 codes gives every row an
/// approximate score with a rigorous error bound; only rows whose upper bound reaches the k-th best lower bound are
/// scored again in fp32, with the very function the full scan uses, so the result equals the full scan's.
///
/// The bound. Let q be the query (fp32, unit length), v a stored row (fp32, unit length), q' = sq·cq and v' = sv·cv
/// their dequantized int8 codes (c integers in [-127, 127], s the float step), eq = ‖q − q'‖ and ev = ‖v − v'‖ (both
/// computed in double from the stored floats and codes, rounded up).
///  (1) Over the reals, q·v − q'·v' = q·(v − v') + (q − q')·v', so by Cauchy–Schwarz
///      |q·v − q'·v'| ≤ ‖q‖·ev + eq·‖v'‖  (‖q‖ and ‖v'‖ also computed in double, rounded up).
///  (2) cq·cv is exact in int32 (n·127² &lt; 2³¹ for n &lt; 133,000). The approximate score fl(fl(cq·cv)·fl(sq·sv)) is
///      within 3u·|q'·v'| of q'·v', u = 2⁻²⁴, and |q'·v'| ≤ ‖q'‖‖v'‖ ≤ 1.2 (ev, eq ≤ √n/254 · max|x| is small).
///  (3) The full scan ranks by fp32 Dot(q, v), not q·v: any summation order of n products errs by at most
///      γn·Σ|qi·vi| ≤ γn·‖q‖‖v‖, γn = nu/(1 − nu) (≈ 2.3e-5 for n = 384).
///  (4) Forming the bound and approx ± bound in float rounds a few more u.
/// So |Dot(q, v) − approx| ≤ ‖q‖·ev + eq·‖v'‖ + slack with slack = 2(n + 8)u·max(1, ‖q‖), which exceeds
/// (2) + (3) + (4) with room to spare. Each row's exact score then lies in [lower, upper] = approx ∓ bound. If τ is the
/// k-th largest lower bound, k rows score at least τ, so the k-th best exact score is ≥ τ and every row of the exact
/// top k has upper ≥ τ; a row with upper &lt; τ scores strictly below the k-th best (no tie can be lost either).
/// </content>
internal sealed partial class VectorIndex
{
    private readonly float _slack;
    // Lanes 0 and 1: the two halves RankVectors scans concurrently.
    private readonly Lane[] _lanes = [new(), new()];

    /// <summary>Rows scored again in fp32 by int8 searches so far (those whose upper bound reached τ).</summary>
    public long RescoredRows => _lanes[0].Rescored + _lanes[1].Rescored;

    /// <summary>Offers rows <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), exactly as the
    /// full scan would, using <paramref name="lane"/>'s scratch buffers (one search at a time per lane).</summary>
    public void Search(ReadOnlySpan<float> query, TopK top, int from, int to, int lane)
    {
        int k = top.Capacity;
        int dimensions = Dimensions;
        if (to - from <= k)
        {
            SearchFullScan(query, top, from, to);
            return;
        }
        var scratch = _lanes[lane];
        scratch.Prepare(dimensions, k);
        var q = Quantize(query, scratch.QueryBytes);
        if (!(q.Error < float.PositiveInfinity) || q.Norm == 0)
        {
            // A query with NaN or infinite values, or all zeros: no bound holds or none is needed.
            SearchFullScan(query, top, from, to);
            return;
        }
        for (int i = 0; i < dimensions; i++)
        {
            scratch.Query[i] = scratch.QueryBytes[i];
        }
        float queryNorm = RoundUp(Norm(query));
        float slack = _slack * MathF.Max(1, queryNorm);
        float queryStep = q.Step, queryError = q.Error;

        var lower = scratch.Lower;
        int filled = 0;
        float tau = float.NegativeInfinity;
        int candidates = 0;
        var rowCodes = _rowCodes;
        ref sbyte codes = ref MemoryMarshal.GetArrayDataReference(_codes);
        ref short queryCodes = ref MemoryMarshal.GetArrayDataReference(scratch.Query);
        for (int row = from; row < to; row++)
        {
            int dot = DotInt8(ref Unsafe.Add(ref codes, (nint)row * dimensions), ref queryCodes, dimensions);
            var code = rowCodes[row];
            float approx = dot * (queryStep * code.Step);
            float bound = code.Error * queryNorm + queryError * code.Norm + slack;
            float upper = approx + bound;
            if (upper < tau)
            {
                continue;
            }
            if (candidates == scratch.Rows.Length)
            {
                scratch.Grow();
            }
            scratch.Rows[candidates] = row;
            scratch.Upper[candidates++] = upper;
            float low = approx - bound;
            if (filled < k)
            {
                lower[filled] = low;
                SiftUp(lower, filled++);
                if (filled == k)
                {
                    tau = lower[0];
                }
            }
            else if (low > lower[0])
            {
                lower[0] = low;
                SiftDown(lower, k);
                tau = lower[0];
            }
        }
        // τ only rose during the pass: rows kept early may now be out of reach.
        int rescored = 0;
        for (int c = 0; c < candidates; c++)
        {
            if (scratch.Upper[c] < tau)
            {
                continue;
            }
            int row = scratch.Rows[c];
            rescored++;
            float score = Dot(query, _data.AsSpan(row * dimensions, dimensions));
            if (score > top.Threshold)
            {
                top.Offer(_ids[row], score);
            }
        }
        scratch.Rescored += rescored;
    }

    /// <summary>The int8 codes of <paramref name="vector"/> on a per-vector step (max |x| / 127), and the bounds
    /// the search needs: the step, ‖x − x'‖ and ‖x'‖ rounded up. A vector with NaN or infinite values gets an
    /// infinite error, so it is always rescored (and, as in the full scan, never ranked).</summary>
    internal static RowCode Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        float max = 0;
        foreach (float x in vector)
        {
            max = MathF.Max(max, MathF.Abs(x));
        }
        if (!float.IsFinite(max))
        {
            codes.Clear();
            return new RowCode(0, float.PositiveInfinity, 0);
        }
        if (max == 0)
        {
            codes.Clear();
            return new RowCode(0, 0, 0);
        }
        float step = max / 127f;
        double error = 0, norm = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            int code = Math.Clamp((int)MathF.Round(vector[i] / step), -127, 127);
            codes[i] = (sbyte)code;
            // Exact in double: an 8-bit integer times a 24-bit float.
            double value = code * (double)step;
            double difference = vector[i] - value;
            error += difference * difference;
            norm += value * value;
        }
        return new RowCode(step, RoundUp(Math.Sqrt(error)), RoundUp(Math.Sqrt(norm)));
    }

    // Double sums of a few thousand squares err by far less than one part in a million; the float cast by half of one.
    private static float RoundUp(double value) => (float)(value * (1 + 1e-6));

    private static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float x in vector)
        {
            sum += (double)x * x;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Σ row[i]·query[i] over int8 row codes and int16-widened query codes, exact in int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotInt8(ref sbyte row, ref short query, int length) =>
        Avx512BW.IsSupported && WideKernels ? DotInt8Avx512(ref row, ref query, length)
        : Avx2.IsSupported ? DotInt8Avx2(ref row, ref query, length)
        : DotInt8Portable(ref row, ref query, length);

    /// <summary>Sign-extends 16 codes to int16 (vpmovsxbw) and multiplies-adds adjacent pairs into int32 (vpmaddwd):
    /// |pair sum| ≤ 2·127² never saturates.</summary>
    internal static int DotInt8Avx2(ref sbyte row, ref short query, int length)
    {
        int i = 0;
        var sum0 = Vector256<int>.Zero;
        var sum1 = Vector256<int>.Zero;
        for (; i + 32 <= length; i += 32)
        {
            var row0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)i));
            var row1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)(i + 16)));
            sum0 = Avx2.Add(sum0, Avx2.MultiplyAddAdjacent(row0, Vector256.LoadUnsafe(ref query, (nuint)i)));
            sum1 = Avx2.Add(sum1, Avx2.MultiplyAddAdjacent(row1, Vector256.LoadUnsafe(ref query, (nuint)(i + 16))));
        }
        int sum = Vector256.Sum(sum0 + sum1);
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref query, i);
        }
        return sum;
    }

    /// <summary>The same on any SIMD width: widen to int16, multiply (|product| ≤ 127² fits), widen to int32, add.</summary>
    internal static int DotInt8Portable(ref sbyte row, ref short query, int length)
    {
        int i = 0;
        int sum = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var total = Vector128<int>.Zero;
            for (; i + 16 <= length; i += 16)
            {
                var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref row, (nuint)i));
                var (p0, p1) = Vector128.Widen(low * Vector128.LoadUnsafe(ref query, (nuint)i));
                var (p2, p3) = Vector128.Widen(high * Vector128.LoadUnsafe(ref query, (nuint)(i + 8)));
                total += (p0 + p1) + (p2 + p3);
            }
            sum = Vector128.Sum(total);
        }
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref query, i);
        }
        return sum;
    }

    // A min-heap of the k best lower bounds seen: lower[0] is τ once it holds k.
    private static void SiftUp(float[] heap, int at)
    {
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (heap[parent] <= heap[at])
            {
                return;
            }
            (heap[parent], heap[at]) = (heap[at], heap[parent]);
            at = parent;
        }
    }

    private static void SiftDown(float[] heap, int count)
    {
        int at = 0;
        while (true)
        {
            int left = 2 * at + 1, least = at;
            if (left < count && heap[left] < heap[least])
            {
                least = left;
            }
            if (left + 1 < count && heap[left + 1] < heap[least])
            {
                least = left + 1;
            }
            if (least == at)
            {
                return;
            }
            (heap[at], heap[least]) = (heap[least], heap[at]);
            at = least;
        }
    }

    /// <summary>A vector's int8 dequantization step (x ≈ code·Step) and upper bounds on ‖x − x'‖ and ‖x'‖.</summary>
    internal readonly record struct RowCode(float Step, float Error, float Norm);

    // One search's scratch, reused so that a search allocates nothing once the buffers have grown.
    private sealed class Lane
    {
        public sbyte[] QueryBytes = [];
        public short[] Query = [];
        public float[] Lower = [];
        public int[] Rows = new int[256];
        public float[] Upper = new float[256];
        public long Rescored;

        public void Prepare(int dimensions, int k)
        {
            if (Query.Length != dimensions)
            {
                QueryBytes = new sbyte[dimensions];
                Query = new short[dimensions];
            }
            if (Lower.Length < k)
            {
                Lower = new float[k];
            }
        }

        public void Grow()
        {
            Array.Resize(ref Rows, Rows.Length * 2);
            Array.Resize(ref Upper, Upper.Length * 2);
        }
    }
}
