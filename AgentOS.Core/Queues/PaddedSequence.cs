using System.Runtime.InteropServices;

namespace AgentOS.Queues;

/// <summary>
/// A 64-bit sequence counter alone on its cache line, so the thread that writes it never slows down threads that
/// touch neighbouring fields (false sharing).
/// </summary>
/// <remarks>
/// <para>The value sits at offset <see cref="CacheLineSize"/> inside a struct of three lines: whatever the runtime places
/// before or after the struct (another sequence, the ring's read-only fields) is at least one full line away, however
/// the object happens to be aligned. 128 bytes rather than 64 because ARM64 parts (Apple M-series, Neoverse) use
/// 128-byte lines, and on x64 the adjacent-line prefetcher fetches lines in 128-byte pairs, so a 64-byte gap still
/// lets two writers fight over a pair. The runtime pads ConcurrentQueue's head and tail the same way.</para>
/// <para>A mutable struct: keep it in a non-readonly field and call its members on the field itself, never on a
/// copy. <see cref="Value"/> reads with acquire and writes with release semantics; the
/// <see cref="System.Threading.Interlocked"/> helpers are full fences. A layout test asserts the offset and size.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLineSize)]
public struct PaddedSequence
{
    /// <summary>The padding unit in bytes: a 128-byte line (ARM64), or a prefetched pair of 64-byte lines (x64).</summary>
    public const int CacheLineSize = 128;

    [FieldOffset(CacheLineSize)]
    private long _value;

    /// <summary>Creates a sequence that starts at <paramref name="initialValue"/>.</summary>
    public PaddedSequence(long initialValue) => _value = initialValue;

    /// <summary>The current value: a volatile (acquire) read, a volatile (release) write.</summary>
    public long Value
    {
        readonly get => Volatile.Read(in _value);
        set => Volatile.Write(ref _value, value);
    }

    /// <summary>Sets the value to <paramref name="value"/> if it equals <paramref name="comparand"/>; returns the value
    /// seen before the operation. A full fence.</summary>
    public long CompareExchange(long value, long comparand) => Interlocked.CompareExchange(ref _value, value, comparand);

    /// <summary>Sets the value and returns the previous one. A full fence.</summary>
    public long Exchange(long value) => Interlocked.Exchange(ref _value, value);

    /// <summary>Adds <paramref name="delta"/> and returns the new value. A full fence.</summary>
    public long Add(long delta) => Interlocked.Add(ref _value, delta);

    /// <summary>Adds one and returns the new value. A full fence.</summary>
    public long Increment() => Interlocked.Increment(ref _value);

    /// <summary>Sets the bits of <paramref name="mask"/> and returns the previous value. A full fence.</summary>
    public long Or(long mask) => Interlocked.Or(ref _value, mask);

    /// <inheritdoc />
    public override readonly string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
