namespace AgentOS.Queues;

/// <summary>
/// Receives items straight from a ring's slots during <see cref="MpscRing{T}.Drain{TConsumer}(ref TConsumer, int)"/>,
/// without an intermediate buffer: a dispatcher can push each item into its scheduling heap as it is taken.
/// Implement it on a struct (or ref struct) so the call is specialized and inlined.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IRingConsumer<T>
{
    /// <summary>
    /// Takes one item. <paramref name="item"/> refers to the ring's slot, valid only during the call: copy what you
    /// keep. Should not throw; if it does, the exception propagates from the drain and this item and those before it
    /// count as taken.
    /// </summary>
    void Consume(in T item);
}
