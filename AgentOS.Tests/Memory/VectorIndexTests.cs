using System.Runtime.Intrinsics.X86;
using AgentOS.Memory;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>The int8 pre-scan with fp32 rescoring returns exactly the fp32 full scan's top k (ids, scores, order) on
/// random data and on data built to defeat the bound: near-ties, rows differing only in low bits, values on rounding
/// boundaries, duplicates, non-finite rows; for k of 1, larger than the rows, and on two lanes at once.</summary>
public sealed class VectorIndexTests
{
    private static float[] Gaussian(Random random, int dimensions)
    {
        var v = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            // Box–Muller: isotropic, so normalized rows are uniform on the sphere.
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return v;
    }

    private static VectorIndex RandomIndex(Random random, int rows, int dimensions)
    {
        var index = new VectorIndex(dimensions);
        for (int i = 0; i < rows; i++)
        {
            index.Add(i, Gaussian(random, dimensions));
        }
        return index;
    }

    private static (long Id, double Score)[] Quantized(VectorIndex index, float[] query, int k, int lane = 0)
    {
        var top = new TopK(k);
        index.Search(query, top, 0, index.Count, lane);
        return top.Ranked();
    }

    private static (long Id, double Score)[] FullScan(VectorIndex index, float[] query, int k)
    {
        var top = new TopK(k);
        index.SearchFullScan(query, top, 0, index.Count);
        return top.Ranked();
    }

    private static void AssertSameTopK(VectorIndex index, float[] query, int k, string what)
    {
        var expected = FullScan(index, query, k);
        var actual = Quantized(index, query, k);
        Assert.SequenceEqual(expected, actual, $"{what}, k = {k}");
    }

    private static float[] Unit(float[] v)
    {
        var copy = (float[])v.Clone();
        VectorIndex.Normalize(copy);
        return copy;
    }

    [Test]
    public void RandomDataTopKEqualsTheFullScan()
    {
        var random = new Random(1);
        foreach (int dimensions in new[] { 384, 37 })
        {
            const int N = 3_000;
            var index = RandomIndex(random, N, dimensions);
            // Removals move the last row (and its codes) into the hole.
            for (int i = 0; i < N; i += 7)
            {
                index.Remove(i);
            }
            for (int query = 0; query < 20; query++)
            {
                // Half the queries sit near a stored row, so the top scores stand well clear of the bulk.
                var q = Gaussian(random, dimensions);
                if (query % 2 == 1)
                {
                    var row = index.Row(random.Next(index.Count));
                    for (int i = 0; i < dimensions; i++)
                    {
                        q[i] = row[i] + 0.05f * q[i] / MathF.Sqrt(dimensions);
                    }
                }
                q = Unit(q);
                foreach (int k in new[] { 1, 10, 100, index.Count - 1, index.Count, index.Count + 5 })
                {
                    AssertSameTopK(index, q, k, $"{dimensions} dimensions, query {query}");
                }
            }
        }
    }

    [Test]
    public void DenseAnisotropicDataTopKEqualsTheFullScanOnEveryKernel()
    {
        // Dense embeddings as sentence models make them: every value non-zero, a direction shared by all (unrelated
        // texts score well above zero), raw norms around 10. Scores crowd together, so the bound prunes less and
        // more rows reach the fp32 rescoring; the result must still be the full scan's, whichever kernel ran.
        var random = new Random(9);
        const int Dimensions = 384;
        var shared = Gaussian(random, Dimensions);
        float[] Dense()
        {
            var v = Gaussian(random, Dimensions);
            float scale = 10f / MathF.Sqrt(2.25f * Dimensions + Dimensions);
            for (int i = 0; i < Dimensions; i++)
            {
                v[i] = (v[i] + 1.5f * shared[i]) * scale;
            }
            return v;
        }
        var index = new VectorIndex(Dimensions);
        for (int i = 0; i < 6_000; i++)
        {
            index.Add(i, Dense());
        }
        bool wide = VectorIndex.WideKernels;
        try
        {
            foreach (bool useWide in new[] { false, true })
            {
                VectorIndex.WideKernels = useWide;
                for (int query = 0; query < 10; query++)
                {
                    var q = Unit(Dense());
                    foreach (int k in new[] { 1, 10, 100 })
                    {
                        AssertSameTopK(index, q, k, $"dense, wide kernels {useWide}, query {query}");
                    }
                }
            }
        }
        finally
        {
            VectorIndex.WideKernels = wide;
        }
    }

    [Test]
    public void TheBoundPrunesMostRowsOnRandomData()
    {
        // Not a speed assertion: the bound's width decides how many rows need fp32, and a bound too loose to prune
        // would make the int8 pass pure overhead.
        var random = new Random(2);
        var index = RandomIndex(random, 5_000, 384);
        var q = Unit(Gaussian(random, 384));
        AssertSameTopK(index, q, 10, "random");
        Assert.InRange(index.RescoredRows, 10L, 1_000L, "rows rescored for k = 10 of 5,000");
    }

    [Test]
    public void NearTiesAndLowBitDifferencesKeepTheExactOrder()
    {
        var random = new Random(3);
        const int Dimensions = 384;
        var index = new VectorIndex(Dimensions);
        var basis = Unit(Gaussian(random, Dimensions));
        long id = 0;
        // Rows differing from the basis only in the last bits of a few values: identical int8 codes, fp32 scores
        // apart by a few ulps, so only the rescoring can order them.
        for (int i = 0; i < 400; i++)
        {
            var v = (float[])basis.Clone();
            for (int j = 0; j < 1 + random.Next(4); j++)
            {
                int at = random.Next(Dimensions);
                v[at] = random.Next(2) == 0 ? MathF.BitIncrement(v[at]) : MathF.BitDecrement(v[at]);
            }
            index.Add(id++, v);
        }
        // Exact duplicates: tied scores, ordered by id.
        for (int i = 0; i < 50; i++)
        {
            index.Add(id++, basis);
        }
        // Values on the int8 rounding boundaries (half a step off a code, one ulp either side), where codes of
        // near-identical rows differ by one.
        float max = basis.Max(MathF.Abs);
        float step = max / 127f;
        for (int i = 0; i < 400; i++)
        {
            var v = (float[])basis.Clone();
            for (int j = 0; j < Dimensions; j++)
            {
                if (MathF.Abs(v[j]) == max)
                {
                    continue;
                }
                float boundary = (MathF.Floor(v[j] / step) + 0.5f) * step;
                v[j] = random.Next(3) switch { 0 => boundary, 1 => MathF.BitIncrement(boundary), _ => MathF.BitDecrement(boundary) };
            }
            index.Add(id++, v);
        }
        // A bulk of unrelated rows the bound must prune.
        for (int i = 0; i < 2_000; i++)
        {
            index.Add(id++, Gaussian(random, Dimensions));
        }
        var perturbed = (float[])basis.Clone();
        perturbed[0] = MathF.BitIncrement(perturbed[0]);
        foreach (var q in new[] { basis, perturbed, Unit(Gaussian(random, Dimensions)) })
        {
            foreach (int k in new[] { 1, 5, 50, 449, 450, 451, 900, index.Count, index.Count + 1 })
            {
                AssertSameTopK(index, q, k, "near-ties");
            }
        }
    }

    [Test]
    public void RowsWithNonFiniteOrZeroValuesRankAsInTheFullScan()
    {
        var random = new Random(4);
        var index = new VectorIndex(64);
        for (int i = 0; i < 200; i++)
        {
            index.Add(i, Gaussian(random, 64));
        }
        var bad = Gaussian(random, 64);
        bad[3] = float.NaN;
        index.Add(1000, bad);
        bad = Gaussian(random, 64);
        bad[5] = float.PositiveInfinity;
        index.Add(1001, bad);
        index.Add(1002, new float[64]);
        var q = Unit(Gaussian(random, 64));
        foreach (int k in new[] { 1, 10, 202, 203, 500 })
        {
            AssertSameTopK(index, q, k, "non-finite rows");
        }
        // A zero query scores every finite row 0: ties, ordered by id.
        AssertSameTopK(index, new float[64], 10, "zero query");
    }

    [Test]
    public void TwoLanesSearchingHalvesAtOnceMergeToTheFullScan()
    {
        var random = new Random(5);
        var index = RandomIndex(random, 4_000, 384);
        for (int round = 0; round < 10; round++)
        {
            var q = Unit(Gaussian(random, 384));
            int half = index.Count / 2;
            var first = new TopK(10);
            var second = new TopK(10);
            var other = Task.Run(() => index.Search(q, second, half, index.Count, lane: 1));
            index.Search(q, first, 0, half, lane: 0);
            other.GetAwaiter().GetResult();
            first.OfferAll(second);
            Assert.SequenceEqual(FullScan(index, q, 10), first.Ranked(), $"round {round}");
        }
    }

    [Test]
    public void IntegerKernelsEqualTheScalarDotProduct()
    {
        var random = new Random(6);
        foreach (int length in Enumerable.Range(1, 70).Append(384).Append(1536))
        {
            var row = new sbyte[length];
            var query = new short[length];
            long expected = 0;
            for (int i = 0; i < length; i++)
            {
                // Extremes included: ±127 everywhere is the largest sum the kernels must not saturate.
                row[i] = (sbyte)(random.Next(4) == 0 ? (random.Next(2) == 0 ? 127 : -127) : random.Next(-127, 128));
                query[i] = (short)(random.Next(4) == 0 ? (random.Next(2) == 0 ? 127 : -127) : random.Next(-127, 128));
                expected += row[i] * query[i];
            }
            Assert.Equal((int)expected, VectorIndex.DotInt8Portable(ref row[0], ref query[0], length), $"portable, length {length}");
            if (Avx2.IsSupported)
            {
                Assert.Equal((int)expected, VectorIndex.DotInt8Avx2(ref row[0], ref query[0], length), $"avx2, length {length}");
            }
            if (Avx512BW.IsSupported)
            {
                Assert.Equal((int)expected, VectorIndex.DotInt8Avx512(ref row[0], ref query[0], length), $"avx512, length {length}");
            }
            Array.Fill(row, (sbyte)-127);
            Array.Fill(query, (short)-127);
            Assert.Equal(length * 127 * 127, VectorIndex.DotInt8(ref row[0], ref query[0], length), $"extremes, length {length}");
        }
    }

    [Test]
    public void QuantizationErrorBoundsHold()
    {
        var random = new Random(7);
        var codes = new sbyte[384];
        for (int i = 0; i < 100; i++)
        {
            var v = Unit(Gaussian(random, 384));
            var code = VectorIndex.Quantize(v, codes);
            double error = 0, norm = 0;
            for (int j = 0; j < v.Length; j++)
            {
                double value = codes[j] * (double)code.Step;
                Assert.True(Math.Abs(v[j] - value) <= code.Step / 2 * (1 + 1e-6), "each value within half a step");
                error += (v[j] - value) * (v[j] - value);
                norm += value * value;
            }
            Assert.True(Math.Sqrt(error) <= code.Error, "the stored error bounds the true error");
            Assert.True(Math.Sqrt(norm) <= code.Norm, "the stored norm bounds the true norm");
            Assert.Equal(127, codes.Max(c => Math.Abs((int)c)), "the largest value takes the full code range");
        }
    }

    [Test]
    public void SearchingAllocatesNothingOnceWarm()
    {
        Skip.UnlessOptimized();
        var random = new Random(8);
        var index = RandomIndex(random, 2_000, 384);
        var queries = Enumerable.Range(0, 20).Select(_ => Unit(Gaussian(random, 384))).ToArray();
        var top = new TopK(10);
        // Warm: JIT tiers, and the lane's candidate buffer grown to what these queries keep.
        foreach (var q in queries)
        {
            index.Search(q, top, 0, index.Count, lane: 0);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var q in queries)
        {
            index.Search(q, top, 0, index.Count, lane: 0);
        }
        Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before, "bytes allocated by 20 warm searches");
    }
}
