using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentOS.Llm.Embedded;

// Matrix-vector products (TensorPrimitives is a package; the vector types are in the base framework). Where AVX-512
// exists every dot product has one shape, whichever kernel computes it (one row, four rows of one matrix, one row
// for four sequences of a batch, a part of a split product), so a row's bits never depend on how it was scheduled:
//   16-lane fused multiply-adds; the 16 lanes folded to 8 (lower + upper); one more 8-lane fused multiply-add when 8
//   or more columns remain; the 8 lanes summed by a tree of horizontal adds, ((0+1)+(2+3)) + ((4+5)+(6+7)); the last
//   few columns added one at a time.
// The tree sums four rows at once as cheaply as one (Vector512.Sum, reducing each quarter on its own, cost more than
// the products themselves on a 64-wide row). The sums run in another order than run.c's; the exactness tests show
// run.c's tokens survive it. Elsewhere (no AVX-512) Vector<T> runs the same loops 8 lanes wide, summed by Vector.Sum.
public sealed partial class Llama2Model
{
    private static bool Wide => Vector512.IsHardwareAccelerated && Avx.IsSupported;

    // xout[at .. at+d] = W[d, n] · x[n], W row-major at _w[offset]; split across the pool when large enough (never
    // from one of the pool's own threads, which could wait for a part queued behind itself).
    private void MatMul(float[] xout, int at, float[] x, int offset, int n, int d)
    {
        if (_pool is not null && (long)n * d >= _splitThreshold && !_pool.IsWorkerThread)
        {
            ParallelMatVec.For(_pool).Run(_w, offset, xout, at, x, n, d);
            return;
        }
        Rows(xout.AsSpan(at, d), x, offset, n, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rows(Span<float> xout, ReadOnlySpan<float> x, int offset, int n, int d)
    {
        var w = _w.AsSpan(offset, n * d);
        x = x[..n];
        int i = 0;
        if (Wide && n >= Vector512<float>.Count)
        {
            for (; i + 4 <= d; i += 4)
            {
                DotRows4(w.Slice(i * n, 4 * n), x).StoreUnsafe(ref MemoryMarshal.GetReference(xout.Slice(i, 4)));
            }
        }
        for (; i < d; i++)
        {
            xout[i] = Dot(w.Slice(i * n, n), x);
        }
    }

    // Four consecutive rows (rows[k * n ..]) dotted with x: four independent chains sharing each load of x, and one
    // reduction tree for all four. Needs Wide and n >= 16.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> DotRows4(ReadOnlySpan<float> rows, ReadOnlySpan<float> x)
    {
        int n = x.Length, j = 0;
        _ = rows[4 * n - 1];
        ref float r0 = ref MemoryMarshal.GetReference(rows);
        ref float r1 = ref Unsafe.Add(ref r0, n);
        ref float r2 = ref Unsafe.Add(ref r0, 2 * n);
        ref float r3 = ref Unsafe.Add(ref r0, 3 * n);
        ref float px = ref MemoryMarshal.GetReference(x);
        var a0 = Vector512<float>.Zero;
        var a1 = a0;
        var a2 = a0;
        var a3 = a0;
        for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
        {
            var xj = Vector512.LoadUnsafe(ref px, (nuint)j);
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r0, (nuint)j), xj, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r1, (nuint)j), xj, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r2, (nuint)j), xj, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r3, (nuint)j), xj, a3);
        }
        var b0 = a0.GetLower() + a0.GetUpper();
        var b1 = a1.GetLower() + a1.GetUpper();
        var b2 = a2.GetLower() + a2.GetUpper();
        var b3 = a3.GetLower() + a3.GetUpper();
        if (j + Vector256<float>.Count <= n)
        {
            var xj = Vector256.LoadUnsafe(ref px, (nuint)j);
            b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r0, (nuint)j), xj, b0);
            b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r1, (nuint)j), xj, b1);
            b2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r2, (nuint)j), xj, b2);
            b3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r3, (nuint)j), xj, b3);
            j += Vector256<float>.Count;
        }
        var sums = Sum4(b0, b1, b2, b3);
        if (j < n)
        {
            float s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
            for (; j < n; j++)
            {
                float xj = Unsafe.Add(ref px, j);
                s0 += Unsafe.Add(ref r0, j) * xj;
                s1 += Unsafe.Add(ref r1, j) * xj;
                s2 += Unsafe.Add(ref r2, j) * xj;
                s3 += Unsafe.Add(ref r3, j) * xj;
            }
            sums = Vector128.Create(s0, s1, s2, s3);
        }
        return sums;
    }

    // Four Dots sharing each load of the weight row (a batch step): every one keeps Dot's exact arithmetic, so a
    // batched sequence gets the bits it would get alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float, float, float, float) Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> x3)
    {
        int j = 0, n = w.Length;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        int width = System.Numerics.Vector<float>.Count;
        if (Wide && n >= Vector512<float>.Count)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = a0;
            var a2 = a0;
            var a3 = a0;
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref float p0 = ref MemoryMarshal.GetReference(x0[..n]);
            ref float p1 = ref MemoryMarshal.GetReference(x1[..n]);
            ref float p2 = ref MemoryMarshal.GetReference(x2[..n]);
            ref float p3 = ref MemoryMarshal.GetReference(x3[..n]);
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var wj = Vector512.LoadUnsafe(ref pw, (nuint)j);
                a0 = Vector512.FusedMultiplyAdd(wj, Vector512.LoadUnsafe(ref p0, (nuint)j), a0);
                a1 = Vector512.FusedMultiplyAdd(wj, Vector512.LoadUnsafe(ref p1, (nuint)j), a1);
                a2 = Vector512.FusedMultiplyAdd(wj, Vector512.LoadUnsafe(ref p2, (nuint)j), a2);
                a3 = Vector512.FusedMultiplyAdd(wj, Vector512.LoadUnsafe(ref p3, (nuint)j), a3);
            }
            var b0 = a0.GetLower() + a0.GetUpper();
            var b1 = a1.GetLower() + a1.GetUpper();
            var b2 = a2.GetLower() + a2.GetUpper();
            var b3 = a3.GetLower() + a3.GetUpper();
            if (j + Vector256<float>.Count <= n)
            {
                var wj = Vector256.LoadUnsafe(ref pw, (nuint)j);
                b0 = Vector256.FusedMultiplyAdd(wj, Vector256.LoadUnsafe(ref p0, (nuint)j), b0);
                b1 = Vector256.FusedMultiplyAdd(wj, Vector256.LoadUnsafe(ref p1, (nuint)j), b1);
                b2 = Vector256.FusedMultiplyAdd(wj, Vector256.LoadUnsafe(ref p2, (nuint)j), b2);
                b3 = Vector256.FusedMultiplyAdd(wj, Vector256.LoadUnsafe(ref p3, (nuint)j), b3);
                j += Vector256<float>.Count;
            }
            var sums = Sum4(b0, b1, b2, b3);
            (s0, s1, s2, s3) = (sums.GetElement(0), sums.GetElement(1), sums.GetElement(2), sums.GetElement(3));
        }
        else if (System.Numerics.Vector.IsHardwareAccelerated && n >= width)
        {
            var a0 = System.Numerics.Vector<float>.Zero;
            var a1 = a0;
            var a2 = a0;
            var a3 = a0;
            for (; j <= n - width; j += width)
            {
                var wj = new System.Numerics.Vector<float>(w.Slice(j, width));
                a0 = System.Numerics.Vector.FusedMultiplyAdd(wj, new System.Numerics.Vector<float>(x0.Slice(j, width)), a0);
                a1 = System.Numerics.Vector.FusedMultiplyAdd(wj, new System.Numerics.Vector<float>(x1.Slice(j, width)), a1);
                a2 = System.Numerics.Vector.FusedMultiplyAdd(wj, new System.Numerics.Vector<float>(x2.Slice(j, width)), a2);
                a3 = System.Numerics.Vector.FusedMultiplyAdd(wj, new System.Numerics.Vector<float>(x3.Slice(j, width)), a3);
            }
            (s0, s1, s2, s3) = (System.Numerics.Vector.Sum(a0), System.Numerics.Vector.Sum(a1), System.Numerics.Vector.Sum(a2), System.Numerics.Vector.Sum(a3));
        }
        for (; j < n; j++)
        {
            s0 += w[j] * x0[j];
            s1 += w[j] * x1[j];
            s2 += w[j] * x2[j];
            s3 += w[j] * x3[j];
        }
        return (s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int j = 0, n = a.Length;
        float sum = 0.0f;
        if (Wide && n >= Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            ref float pa = ref MemoryMarshal.GetReference(a);
            ref float pb = ref MemoryMarshal.GetReference(b[..n]);
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)j), Vector512.LoadUnsafe(ref pb, (nuint)j), acc);
            }
            var folded = acc.GetLower() + acc.GetUpper();
            if (j + Vector256<float>.Count <= n)
            {
                folded = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)j), Vector256.LoadUnsafe(ref pb, (nuint)j), folded);
                j += Vector256<float>.Count;
            }
            var h = Avx.HorizontalAdd(folded, folded);
            h = Avx.HorizontalAdd(h, h);
            sum = (h.GetLower() + h.GetUpper()).ToScalar();
        }
        else if (System.Numerics.Vector.IsHardwareAccelerated && n >= System.Numerics.Vector<float>.Count)
        {
            var acc = System.Numerics.Vector<float>.Zero;
            int width = System.Numerics.Vector<float>.Count;
            for (; j <= n - width; j += width)
            {
                acc = System.Numerics.Vector.FusedMultiplyAdd(new System.Numerics.Vector<float>(a.Slice(j, width)), new System.Numerics.Vector<float>(b.Slice(j, width)), acc);
            }
            sum = System.Numerics.Vector.Sum(acc);
        }
        for (; j < n; j++)
        {
            sum += a[j] * b[j];
        }
        return sum;
    }

    // Each of four 8-lane vectors summed by the tree ((0+1)+(2+3)) + ((4+5)+(6+7)), lane k holding vector k's sum;
    // the same tree Dot applies to one vector (hadd(v, v) twice), so lane k has exactly Dot's bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3)
    {
        var h = Avx.HorizontalAdd(Avx.HorizontalAdd(b0, b1), Avx.HorizontalAdd(b2, b3));
        return h.GetLower() + h.GetUpper();
    }
}
