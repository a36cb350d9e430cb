using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentOS.Queues;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Queues;

/// <summary>
/// Padding cannot rot silently: every explicitly laid-out struct in AgentOS.Queues must keep its fields inside the
/// middle line of three, whatever someone adds or changes later.
/// </summary>
public sealed class PaddedLayoutTests
{
    private const int Line = PaddedSequence.CacheLineSize;

    private static List<Type> PaddedTypes() =>
        [.. typeof(PaddedSequence).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.Namespace == typeof(PaddedSequence).Namespace
                        && t.StructLayoutAttribute?.Value == LayoutKind.Explicit)];

    [Test]
    public void CacheLinesAre128Bytes() => Assert.Equal(128, Line);

    [Test]
    public void EveryPaddedTypeIsThreeLinesWithItsFieldsInTheMiddleOne()
    {
        var types = PaddedTypes();
        Assert.Contains(typeof(PaddedSequence), types, "the reflection must find the padded types (or this test checks nothing)");
        foreach (var type in types)
        {
            int size = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
            Assert.Equal(3 * Line, size, $"{type.Name}: size");
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            Assert.True(fields.Length > 0, $"{type.Name} has no fields");
            foreach (var field in fields)
            {
                int declared = field.GetCustomAttribute<FieldOffsetAttribute>()!.Value;
                int offset = (int)Marshal.OffsetOf(type, field.Name);
                Assert.Equal(declared, offset, $"{type.Name}.{field.Name}: offset");
                Assert.InRange(offset, Line, 2 * Line - Marshal.SizeOf(field.FieldType), $"{type.Name}.{field.Name}: inside the middle line");
            }
        }
    }

    [Test]
    public void PaddedSequenceStoresItsValueAtOffset128()
    {
        var sequence = new PaddedSequence(0);
        sequence.Value = 0x0102_0304_0506_0708;
        ref byte start = ref Unsafe.As<PaddedSequence, byte>(ref sequence);
        Assert.Equal(0x0102_0304_0506_0708L, Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref start, Line)));
        for (int i = 0; i < 3 * Line; i++)
        {
            if (i < Line || i >= Line + sizeof(long))
            {
                Assert.Equal((byte)0, Unsafe.Add(ref start, i), $"padding byte {i}");
            }
        }
    }

    [Test]
    public void PaddedSequenceOperations()
    {
        var sequence = new PaddedSequence(5);
        Assert.Equal(5L, sequence.Value);
        Assert.Equal(6L, sequence.Increment());
        Assert.Equal(10L, sequence.Add(4));
        Assert.Equal(10L, sequence.CompareExchange(20, 10));
        Assert.Equal(20L, sequence.CompareExchange(30, 10), "a failed compare-exchange returns the current value");
        Assert.Equal(20L, sequence.Exchange(1));
        Assert.Equal(1L, sequence.Or(0b110));
        Assert.Equal(7L, sequence.Value);
        Assert.Equal("7", sequence.ToString());
    }
}
