using AgentOS.Bench.Harness;

namespace AgentOS.Bench.Queues;

/// <summary>
/// The timed work shared by every ring benchmark: producers on raw threads each push their share of the items
/// (0, 1, 2, ... per producer), one consumer on the benchmark thread drains in batches and sums what it gets. The
/// sum is checked after the clock stops, so a queue that loses or duplicates an item fails instead of looking fast.
/// </summary>
internal static class QueueDriver
{
    public const int Capacity = 4096;
    private const int DrainBatch = 256;

    /// <summary>Runs <paramref name="producers"/> producers adding one item at a time (or in batches of
    /// <paramref name="producerBatch"/> when above 1) against one batch-draining consumer.</summary>
    public static void Run<TQueue>(BenchRun run, TQueue queue, int producers, int producerBatch = 1)
        where TQueue : struct, IBenchQueue
    {
        long perProducer = run.Size(4_000_000, 200_000) / producers / producerBatch * producerBatch;
        long total = perProducer * producers;
        using var group = new ProducerGroup(producers, _ =>
        {
            if (producerBatch == 1)
            {
                ProduceSingly(queue, perProducer);
            }
            else
            {
                ProduceInBatches(queue, perProducer, producerBatch);
            }
        });
        var buffer = new long[DrainBatch];
        long received = 0;
        long sum = 0;
        SpinWait idle = default;

        run.Start();
        group.Release();
        while (received < total)
        {
            int n = queue.Drain(buffer);
            if (n == 0)
            {
                queue.WaitWhenEmpty(ref idle);
                continue;
            }
            idle.Reset();
            for (int i = 0; i < n; i++)
            {
                sum += buffer[i];
            }
            received += n;
        }
        run.Stop(total);

        group.Join();
        long expected = producers * (perProducer * (perProducer - 1) / 2);
        if (sum != expected || received != total)
        {
            throw new InvalidOperationException($"{typeof(TQueue).Name}: received {received} items summing to {sum}; expected {total} summing to {expected}");
        }
    }

    // A full queue makes the producer spin, then yield: on two cores the consumer it waits for may need this core.
    private static void ProduceSingly<TQueue>(TQueue queue, long count) where TQueue : struct, IBenchQueue
    {
        SpinWait full = default;
        for (long i = 0; i < count; i++)
        {
            while (!queue.TryAdd(i))
            {
                full.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    private static void ProduceInBatches<TQueue>(TQueue queue, long count, int batchSize) where TQueue : struct, IBenchQueue
    {
        Span<long> batch = stackalloc long[batchSize];
        SpinWait full = default;
        for (long i = 0; i < count; i += batchSize)
        {
            for (int j = 0; j < batchSize; j++)
            {
                batch[j] = i + j;
            }
            while (!queue.TryAddBatch(batch))
            {
                full.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
