using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentOS.Queues;

namespace AgentOS.Bench.Queues;

/// <summary>The queues the ring benchmarks compare, behind <see cref="IBenchQueue"/>.</summary>
internal static class BenchQueues
{
    /// <summary>The AgentOS MPSC ring; the consumer waits with the ring's own strategy.</summary>
    public readonly struct Mpsc(MpscRing<long> ring) : IBenchQueue
    {
        public bool TryAdd(long item) => ring.TryPublish(item);

        public bool TryAddBatch(ReadOnlySpan<long> items) => ring.TryPublishBatch(items);

        public int Drain(Span<long> buffer) => ring.Drain(buffer);

        public void WaitWhenEmpty(ref SpinWait idle) => ring.WaitForItems();

        public string Counters => ring.Counters.ToString();
    }

    /// <summary>The AgentOS SPSC ring; the consumer waits with the ring's own strategy.</summary>
    public readonly struct Spsc(SpscRing<long> ring) : IBenchQueue
    {
        public bool TryAdd(long item) => ring.TryWrite(item);

        public bool TryAddBatch(ReadOnlySpan<long> items) => ring.TryWriteBatch(items);

        public int Drain(Span<long> buffer) => ring.ReadBatch(buffer);

        public void WaitWhenEmpty(ref SpinWait idle) => ring.WaitForItems();
    }

    /// <summary>The SPSC ring used one item at a time on both sides.</summary>
    public readonly struct SpscUnbatched(SpscRing<long> ring) : IBenchQueue
    {
        public bool TryAdd(long item) => ring.TryWrite(item);

        public bool TryAddBatch(ReadOnlySpan<long> items) => throw new NotSupportedException();

        public int Drain(Span<long> buffer)
        {
            int n = 0;
            while (n < buffer.Length && ring.TryRead(out buffer[n]))
            {
                n++;
            }
            return n;
        }

        public void WaitWhenEmpty(ref SpinWait idle) => ring.WaitForItems();
    }

    /// <summary><see cref="ConcurrentQueue{T}"/>: unbounded, lock-free, the baseline a ring must beat.</summary>
    public readonly struct Concurrent(ConcurrentQueue<long> queue) : IBenchQueue
    {
        public bool TryAdd(long item)
        {
            queue.Enqueue(item);
            return true;
        }

        public bool TryAddBatch(ReadOnlySpan<long> items)
        {
            foreach (long item in items)
            {
                queue.Enqueue(item);
            }
            return true;
        }

        public int Drain(Span<long> buffer)
        {
            int n = 0;
            while (n < buffer.Length && queue.TryDequeue(out buffer[n]))
            {
                n++;
            }
            return n;
        }

        public void WaitWhenEmpty(ref SpinWait idle) => idle.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>A bounded <see cref="Channel{T}"/> (single reader) used through TryWrite/TryRead.</summary>
    public readonly struct BoundedChannel(Channel<long> channel) : IBenchQueue
    {
        public bool TryAdd(long item) => channel.Writer.TryWrite(item);

        public bool TryAddBatch(ReadOnlySpan<long> items) => throw new NotSupportedException();

        public int Drain(Span<long> buffer)
        {
            int n = 0;
            while (n < buffer.Length && channel.Reader.TryRead(out buffer[n]))
            {
                n++;
            }
            return n;
        }

        public void WaitWhenEmpty(ref SpinWait idle) => idle.SpinOnce(sleep1Threshold: -1);
    }
}
