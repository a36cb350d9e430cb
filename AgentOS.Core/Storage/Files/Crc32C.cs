using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AgentOS.Storage.Files;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the file store's records. Uses the CPU's
/// CRC32 instruction where there is one (SSE4.2 on x86, the CRC32 extension on ARM), eight bytes at a time, and a
/// table otherwise; all three give identical results (tested against published vectors).
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    private static readonly uint[] Table = BuildTable();

    // x^(2^k) mod P for k = 0..31 (reflected, as the CRC register holds it): squaring steps for ShiftOperator.
    private static readonly uint[] PowersOfTwo = BuildPowers();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The CRC-32C of some earlier bytes (whose CRC was <paramref name="crc"/>) followed by <paramref name="data"/>:
    /// <c>Append(Compute(a), b) == Compute(a + b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>The CRC-32C of some bytes <c>a</c> followed by <paramref name="lengthB"/> bytes <c>b</c>, from the two
    /// CRCs alone: <c>Combine(Compute(a), Compute(b), b.Length) == Compute(a + b)</c>.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => CombineShifted(crcA, crcB, ShiftOperator(lengthB));

    /// <summary><see cref="Combine(uint, uint, long)"/> with the shift for b's length from <see cref="ShiftOperator"/>
    /// (computed once for a length that recurs: then a combine costs one 32-step multiplication, a third of a pass
    /// over a 1 KB value).</summary>
    internal static uint CombineShifted(uint crcA, uint crcB, uint shiftOperator) => Multiply(shiftOperator, crcA) ^ crcB;

    /// <summary>x^(8n) mod P: multiplying a CRC by it moves the CRC past <paramref name="bytes"/> bytes (as zlib's
    /// crc32_combine does).</summary>
    internal static uint ShiftOperator(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        uint product = 1u << 31; // x^0
        for (int k = 3; bytes != 0; bytes >>= 1, k++)
        {
            if ((bytes & 1) != 0)
            {
                product = Multiply(PowersOfTwo[k & 31], product);
            }
        }
        return product;
    }

    // a * b mod P over GF(2), both reflected (bit 31 is x^0). Branch-free: the bits of a are random.
    private static uint Multiply(uint a, uint b)
    {
        uint product = 0;
        for (int i = 31; i >= 0; i--)
        {
            product ^= b & (0u - ((a >> i) & 1));
            b = (b >> 1) ^ (Polynomial & (0u - (b & 1)));
        }
        return product;
    }

    // Compiled optimized from its first call: a profile of 64 fast-sync writers found 5.7% of all samples in this
    // method still running its tier-0 and instrumented code (about a tenth of the per-write CPU).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong wide = state;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            state = (uint)wide;
            foreach (byte b in data)
            {
                state = Sse42.Crc32(state, b);
            }
            return state;
        }
        if (Sse42.IsSupported)
        {
            while (data.Length >= 4)
            {
                state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
                data = data[4..];
            }
            foreach (byte b in data)
            {
                state = Sse42.Crc32(state, b);
            }
            return state;
        }
        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                state = Crc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            foreach (byte b in data)
            {
                state = Crc32.ComputeCrc32C(state, b);
            }
            return state;
        }
        if (Crc32.IsSupported)
        {
            foreach (byte b in data)
            {
                state = Crc32.ComputeCrc32C(state, b);
            }
            return state;
        }
        return UpdateWithTable(state, data);
    }

    /// <summary>The portable path, also used by the tests to check the hardware paths against it.</summary>
    internal static uint UpdateWithTable(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (byte b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }
        return state;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        uint power = 1u << 30; // x^1
        for (int k = 0; k < powers.Length; k++)
        {
            powers[k] = power;
            power = Multiply(power, power);
        }
        return powers;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint entry = i;
            for (int bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ Polynomial : entry >> 1;
            }
            table[i] = entry;
        }
        return table;
    }
}
