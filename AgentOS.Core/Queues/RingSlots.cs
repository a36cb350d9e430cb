using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentOS.Queues;

/// <summary>
/// The slot array of a ring: a power-of-two window, indexed by an ever-growing 64-bit position, inside an array
/// padded by one <see cref="PaddedSequence.CacheLineSize"/> at each end, so the first and last slots, which producers
/// and the consumer write, never share a line with the array's header (read on every access) or with whatever object
/// the allocator placed next to it.
/// </summary>
internal readonly struct RingSlots<TSlot>
{
    /// <summary>The largest capacity a ring accepts (the array must stay addressable by <see cref="int"/>).</summary>
    public const int MaxCapacity = 1 << 30;

    private static readonly int Padding = (PaddedSequence.CacheLineSize + Unsafe.SizeOf<TSlot>() - 1) / Unsafe.SizeOf<TSlot>();

    private readonly TSlot[] _array;
    private readonly int _mask;

    /// <summary>Allocates the slots; throws <see cref="ArgumentOutOfRangeException"/> naming
    /// <paramref name="paramName"/> unless <paramref name="capacity"/> is a power of two in [1, <see cref="MaxCapacity"/>].</summary>
    public RingSlots(int capacity, string paramName)
    {
        if (capacity <= 0 || capacity > MaxCapacity || !BitOperations.IsPow2(capacity))
        {
            ThrowHelper.ThrowCapacityNotPowerOfTwo(capacity, paramName);
        }
        _array = new TSlot[capacity + 2 * Padding];
        _mask = capacity - 1;
    }

    public int Capacity => _mask + 1;

    /// <summary>The slot that <paramref name="position"/> maps to. No bounds check: the mask keeps the index inside
    /// the window, and the window inside the array.</summary>
    public ref TSlot this[long position]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), Padding + (int)(position & _mask));
    }

    /// <summary>The contiguous run of slots from <paramref name="position"/>: at most <paramref name="length"/>, and
    /// never past the end of the window (a run that wraps takes two calls).</summary>
    public Span<TSlot> Run(long position, int length)
    {
        int start = (int)(position & _mask);
        return _array.AsSpan(Padding + start, Math.Min(length, _mask + 1 - start));
    }
}
