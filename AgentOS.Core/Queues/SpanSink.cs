namespace AgentOS.Queues;

/// <summary>Copies drained items into a span: the consumer behind <see cref="MpscRing{T}.Drain(Span{T})"/>.</summary>
internal ref struct SpanSink<T>(Span<T> destination) : IRingConsumer<T>
{
    private readonly Span<T> _destination = destination;
    private int _count;

    public void Consume(in T item) => _destination[_count++] = item;
}
