using System.Diagnostics.CodeAnalysis;

namespace AgentOS.Queues;

/// <summary>
/// Throws for the rings, so the hot methods that validate input stay small enough to inline and carry no
/// exception-construction code.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowCapacityNotPowerOfTwo(int capacity, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, capacity,
            $"A ring's capacity must be a power of two between 1 and {RingSlots<int>.MaxCapacity}; " +
            $"{capacity} is not. Round it up with System.Numerics.BitOperations.RoundUpToPowerOf2.");

    [DoesNotReturn]
    public static void ThrowBatchLargerThanCapacity(int count, int capacity, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, count,
            $"A batch of {count} items can never fit a ring of capacity {capacity}: claim at most {capacity} at a time " +
            "(split the batch). Nothing was published.");

    [DoesNotReturn]
    public static void ThrowNegativeMaxItems(int maxItems, string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, maxItems, "The most items to drain cannot be negative.");

    [DoesNotReturn]
    public static void ThrowRingCompleted() => throw new RingCompletedException();

    public static RingCompletedException RingCompleted() => new();
}
