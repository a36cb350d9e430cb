namespace AgentOS.Events;

/// <summary>Numbers event types process-wide, so a bus finds a type's channel by indexing an array.</summary>
internal static class EventTypeIndex
{
    private static int s_count;

    public static int Next() => Interlocked.Increment(ref s_count) - 1;
}

/// <summary>The index of <typeparamref name="TEvent"/>: a static readonly the JIT folds into a constant.</summary>
internal static class EventTypeIndex<TEvent>
{
    public static readonly int Value = EventTypeIndex.Next();
}
