using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentOS.Llm.Embedded;

// Attention: softmax(q·k / sqrt(head size)) · v per query head, over positions 0..pos of the KV cache. On the small
// story models the head is 8 floats wide and the products are tiny, so per-position overheads (a scalar exponential,
// a bounds-checked slice, a dependent chain of adds) dominated a token's time; these kernels remove them:
//   - scores: eight positions at once, one 8-float product each, reduced by a transposing tree of horizontal adds;
//   - softmax: exponentials and their sum vectorized (Vector512, else Vector256), the tail masked, never a scalar exp;
//   - weighted values: the query heads that share a kv head run in one pass, so each value row is loaded once and
//     the heads' accumulations are independent chains instead of one serial chain per head.
// Each score's arithmetic is the same whichever block its position falls in (the tail reduces with the same tree),
// and the weighted sum stays element-wise in t order, so a step's bits depend only on the cache, never on how
// positions are grouped: a resumed or batched sequence computes exactly what a single one does. The sums run in
// another order than run.c's scalar loops; the exactness tests show run.c's tokens survive it.
public sealed partial class Llama2Model
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Attend(Llama2Sequence s, long cacheOffset, int pos, int kvMul)
    {
        var c = Config;
        int kvDim = c.KvDim, headSize = c.HeadSize, seqLen = c.SeqLen, length = pos + 1;
        float scale = MathF.Sqrt(headSize);
        int span = pos * kvDim + headSize; // the last position's head ends here, relative to the head's first float
        for (int g = 0; g < c.KvHeads; g++)
        {
            var keys = s.KeyCache.AsSpan((int)(cacheOffset + g * headSize), span);
            var values = s.ValueCache.AsSpan((int)(cacheOffset + g * headSize), span);
            int first = g * kvMul, end = first + kvMul;
            for (int h = first; h < end; h++)
            {
                var att = s.Att.AsSpan(h * seqLen, length);
                Scores(s.Q.AsSpan(h * headSize, headSize), keys, kvDim, att, scale);
                Softmax(att);
            }
            int head = first;
            if (headSize % Vector256<float>.Count == 0 && Vector256.IsHardwareAccelerated)
            {
                for (; head + 2 <= end; head += 2)
                {
                    WeightedValues2(s.Att.AsSpan(head * seqLen, length), s.Att.AsSpan((head + 1) * seqLen, length), values, kvDim,
                        s.Xb.AsSpan(head * headSize, headSize), s.Xb.AsSpan((head + 1) * headSize, headSize));
                }
            }
            for (; head < end; head++)
            {
                WeightedValues(s.Att.AsSpan(head * seqLen, length), values, kvDim, s.Xb.AsSpan(head * headSize, headSize));
            }
        }
    }

    // att[t] = (q · k_t) / scale, where k_t starts at keys[t * stride].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int stride, Span<float> att, float scale)
    {
        int headSize = q.Length;
        _ = keys[(att.Length - 1) * stride + headSize - 1]; // every key read below lies inside keys
        if (Avx.IsSupported && headSize % Vector256<float>.Count == 0)
        {
            ref float pq = ref MemoryMarshal.GetReference(q);
            ref float pk = ref MemoryMarshal.GetReference(keys);
            ref float pa = ref MemoryMarshal.GetReference(att);
            var divisor = Vector256.Create(scale);
            int t = 0;
            for (; t + 8 <= att.Length; t += 8)
            {
                var h01 = Avx.HorizontalAdd(Product(ref pq, ref pk, t * stride, headSize), Product(ref pq, ref pk, (t + 1) * stride, headSize));
                var h23 = Avx.HorizontalAdd(Product(ref pq, ref pk, (t + 2) * stride, headSize), Product(ref pq, ref pk, (t + 3) * stride, headSize));
                var h45 = Avx.HorizontalAdd(Product(ref pq, ref pk, (t + 4) * stride, headSize), Product(ref pq, ref pk, (t + 5) * stride, headSize));
                var h67 = Avx.HorizontalAdd(Product(ref pq, ref pk, (t + 6) * stride, headSize), Product(ref pq, ref pk, (t + 7) * stride, headSize));
                var h0123 = Avx.HorizontalAdd(h01, h23);
                var h4567 = Avx.HorizontalAdd(h45, h67);
                var sums = Vector256.Create(h0123.GetLower() + h0123.GetUpper(), h4567.GetLower() + h4567.GetUpper());
                (sums / divisor).StoreUnsafe(ref pa, (nuint)t);
            }
            for (; t < att.Length; t++)
            {
                // The same tree for one product: lane 0 ends as ((p0+p1)+(p2+p3)) + ((p4+p5)+(p6+p7)), as above.
                var p = Product(ref pq, ref pk, t * stride, headSize);
                var h = Avx.HorizontalAdd(p, p);
                h = Avx.HorizontalAdd(h, h);
                att[t] = (h.GetLower() + h.GetUpper()).ToScalar() / scale;
            }
            return;
        }
        for (int t = 0; t < att.Length; t++)
        {
            var k = keys.Slice(t * stride, headSize);
            float score = 0.0f;
            for (int i = 0; i < headSize; i++)
            {
                score += q[i] * k[i];
            }
            att[t] = score / scale;
        }
    }

    // The element-wise products of q and the key at k[at], summed over the head's 8-float chunks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Product(ref float q, ref float k, int at, int headSize)
    {
        var sum = Vector256.LoadUnsafe(ref q) * Vector256.LoadUnsafe(ref k, (nuint)at);
        for (int i = Vector256<float>.Count; i < headSize; i += Vector256<float>.Count)
        {
            sum += Vector256.LoadUnsafe(ref q, (nuint)i) * Vector256.LoadUnsafe(ref k, (nuint)(at + i));
        }
        return sum;
    }

    // xb = sum over t of att[t] * v_t, accumulated in t order, where v_t starts at values[t * stride].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedValues(ReadOnlySpan<float> att, ReadOnlySpan<float> values, int stride, Span<float> xb)
    {
        int headSize = xb.Length, i = 0;
        int width = System.Numerics.Vector<float>.Count;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            for (; i + width <= headSize; i += width)
            {
                var acc = System.Numerics.Vector<float>.Zero;
                for (int t = 0; t < att.Length; t++)
                {
                    acc += att[t] * new System.Numerics.Vector<float>(values.Slice(t * stride + i, width));
                }
                acc.CopyTo(xb.Slice(i, width));
            }
        }
        for (; i < headSize; i++)
        {
            float acc = 0.0f;
            for (int t = 0; t < att.Length; t++)
            {
                acc += att[t] * values[t * stride + i];
            }
            xb[i] = acc;
        }
    }

    // WeightedValues for two query heads sharing one kv head: each value chunk loaded once for both, two independent
    // accumulations (the same element-wise, t-ordered arithmetic per head, so the same bits).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedValues2(ReadOnlySpan<float> att0, ReadOnlySpan<float> att1, ReadOnlySpan<float> values, int stride, Span<float> xb0, Span<float> xb1)
    {
        int headSize = xb0.Length, length = att0.Length;
        _ = values[(length - 1) * stride + headSize - 1];
        _ = att1[length - 1];
        _ = xb1[headSize - 1];
        ref float pv = ref MemoryMarshal.GetReference(values);
        ref float a0 = ref MemoryMarshal.GetReference(att0);
        ref float a1 = ref MemoryMarshal.GetReference(att1);
        for (int i = 0; i < headSize; i += Vector256<float>.Count)
        {
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (int t = 0; t < length; t++)
            {
                var v = Vector256.LoadUnsafe(ref pv, (nuint)(t * stride + i));
                acc0 += Unsafe.Add(ref a0, t) * v;
                acc1 += Unsafe.Add(ref a1, t) * v;
            }
            acc0.CopyTo(xb0.Slice(i, Vector256<float>.Count));
            acc1.CopyTo(xb1.Slice(i, Vector256<float>.Count));
        }
    }

    // run.c's softmax: x = exp(x - max) / sum. The exponentials and their sum are vectorized (a vector exp, and the sum
    // in lanes): another rounding than run.c's scalar loop, the same one for every caller.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Softmax(Span<float> x)
    {
        float max = Max(x);
        float sum;
        if (Vector512.IsHardwareAccelerated)
        {
            sum = Exponentials512(x, max);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            sum = Exponentials256(x, max);
        }
        else
        {
            sum = 0.0f;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = MathF.Exp(x[i] - max);
                sum += x[i];
            }
        }
        int j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int width = System.Numerics.Vector<float>.Count;
            var divisor = new System.Numerics.Vector<float>(sum);
            for (; j + width <= x.Length; j += width)
            {
                (new System.Numerics.Vector<float>(x.Slice(j, width)) / divisor).CopyTo(x.Slice(j, width));
            }
        }
        for (; j < x.Length; j++)
        {
            x[j] /= sum;
        }
    }

    // x = exp(x - max) in place, 16 lanes at a time; returns the sum. The tail is padded with max (exp 0 = 1) and
    // masked off, so no lane outside x counts and no scalar exp runs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Exponentials512(Span<float> x, float max)
    {
        var m = Vector512.Create(max);
        var acc = Vector512<float>.Zero;
        ref float p = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i + Vector512<float>.Count <= x.Length; i += Vector512<float>.Count)
        {
            var e = Vector512.Exp(Vector512.LoadUnsafe(ref p, (nuint)i) - m);
            e.StoreUnsafe(ref p, (nuint)i);
            acc += e;
        }
        int rest = x.Length - i;
        if (rest > 0)
        {
            Span<float> tail = stackalloc float[Vector512<float>.Count];
            tail.Fill(max);
            x[i..].CopyTo(tail);
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rest)).AsSingle();
            var e = Vector512.ConditionalSelect(mask, Vector512.Exp(Vector512.Create((ReadOnlySpan<float>)tail) - m), Vector512<float>.Zero);
            acc += e;
            e.CopyTo(tail);
            tail[..rest].CopyTo(x[i..]);
        }
        return Vector512.Sum(acc);
    }

    // Exponentials512 with 8 lanes, where AVX-512 is absent.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Exponentials256(Span<float> x, float max)
    {
        var m = Vector256.Create(max);
        var acc = Vector256<float>.Zero;
        ref float p = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            var e = Vector256.Exp(Vector256.LoadUnsafe(ref p, (nuint)i) - m);
            e.StoreUnsafe(ref p, (nuint)i);
            acc += e;
        }
        int rest = x.Length - i;
        if (rest > 0)
        {
            Span<float> tail = stackalloc float[Vector256<float>.Count];
            tail.Fill(max);
            x[i..].CopyTo(tail);
            var mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(rest)).AsSingle();
            var e = Vector256.ConditionalSelect(mask, Vector256.Exp(Vector256.Create((ReadOnlySpan<float>)tail) - m), Vector256<float>.Zero);
            acc += e;
            e.CopyTo(tail);
            tail[..rest].CopyTo(x[i..]);
        }
        return Vector256.Sum(acc);
    }

    // The largest element. Max is order-free and idempotent, so the last vector may overlap the one before it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Max(ReadOnlySpan<float> x)
    {
        int n = x.Length;
        ref float p = ref MemoryMarshal.GetReference(x);
        Vector256<float> best;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var wide = Vector512.LoadUnsafe(ref p);
            for (int i = Vector512<float>.Count; i < n; i += Vector512<float>.Count)
            {
                wide = Vector512.Max(wide, Vector512.LoadUnsafe(ref p, (nuint)Math.Min(i, n - Vector512<float>.Count)));
            }
            best = Vector256.Max(wide.GetLower(), wide.GetUpper());
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            best = Vector256.LoadUnsafe(ref p);
            for (int i = Vector256<float>.Count; i < n; i += Vector256<float>.Count)
            {
                best = Vector256.Max(best, Vector256.LoadUnsafe(ref p, (nuint)Math.Min(i, n - Vector256<float>.Count)));
            }
        }
        else
        {
            float max = x[0];
            for (int i = 1; i < n; i++)
            {
                if (x[i] > max)
                {
                    max = x[i];
                }
            }
            return max;
        }
        var half = Vector128.Max(best.GetLower(), best.GetUpper());
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1, 0, 3, 2)));
        return half.ToScalar();
    }
}
