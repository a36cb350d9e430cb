using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentOS.Memory;

/// <content>The int8 pre-scan's kernel on 512-bit registers, where the processor has AVX-512BW: the same widening
/// multiply-add as the AVX2 kernel, 64 codes per step instead of 32. Integer arithmetic, so every width gives the same
/// sum, and the search's result cannot depend on which kernel ran.</content>
internal sealed partial class VectorIndex
{
    /// <summary>Whether searches use the 512-bit kernel where the processor has one (benchmarks turn it off to
    /// compare against the 256-bit kernel in the same run).</summary>
    internal static bool WideKernels { get; set; } = Avx512BW.IsSupported;

    /// <summary>Σ row[i]·query[i], 64 codes at a time (vpmovsxbw zmm, vpmaddwd zmm); the tail on the AVX2 kernel.</summary>
    internal static int DotInt8Avx512(ref sbyte row, ref short query, int length)
    {
        int i = 0;
        var sum0 = Vector512<int>.Zero;
        var sum1 = Vector512<int>.Zero;
        for (; i + 64 <= length; i += 64)
        {
            var row0 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref row, (nuint)i));
            var row1 = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref row, (nuint)(i + 32)));
            sum0 = Avx512F.Add(sum0, Avx512BW.MultiplyAddAdjacent(row0, Vector512.LoadUnsafe(ref query, (nuint)i)));
            sum1 = Avx512F.Add(sum1, Avx512BW.MultiplyAddAdjacent(row1, Vector512.LoadUnsafe(ref query, (nuint)(i + 32))));
        }
        int sum = Vector512.Sum(sum0 + sum1);
        if (i < length)
        {
            sum += DotInt8Avx2(ref Unsafe.Add(ref row, i), ref Unsafe.Add(ref query, i), length - i);
        }
        return sum;
    }
}
