using AgentOS.Bench.Harness;
using AgentOS.Queues;

namespace AgentOS.Bench.Queues;

/// <summary>
/// The timed work shared by every ring benchmark: producers on raw threads each push their share of the items
/// (0, 1, 2, ... per producer), one consumer on the benchmark thread drains in batches and sums what it gets. The
/// sum is checked after the clock stops, so a queue that loses or duplicates an item fails instead of looking fast.
/// </summary>
/// <remarks>
/// <para>The consumer batches the way a throughput-minded dispatcher would: after a drain that returned less than a
/// quarter of a batch it pauses for <see cref="SmallDrainPause"/> spin iterations (about a microsecond here) before
/// draining again, whatever the queue. Without the pause a consumer that keeps up chases the producer item by item,
/// and on this two-vCPU machine each item then costs two cross-core line transfers (the producer's next write
/// invalidates the line the consumer is polling): a lock-step regime that, once entered, persists, measured at up to
/// 250 ns per item for the ring. ConcurrentQueue mostly escapes it by being unbounded with a slower consumer, so
/// its consumer lags and reads lines the producer has long finished. The pause costs the lagging queues nothing.</para>
/// <para>Bounded queues get <see cref="Capacity"/> slots. 16384 rather than 4096: with 4096 (64 KB of slots) the
/// ring's floor measured 9-12 ns per item with one producer, against 6-8 ns from 16384 up.</para>
/// </remarks>
internal static class QueueDriver
{
    public const int Capacity = 16384;
    private const int DrainBatch = 256;
    private const int SmallDrain = DrainBatch / 4;
    private const int SmallDrainPause = 25;

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
        long drains = 0, emptyDrains = 0, pauses = 0; // counted only with AGENTOS_RING_COUNTERS=1 (folded away otherwise)
        SpinWait idle = default;

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        run.Start();
        group.Release();
        while (received < total)
        {
            int n = queue.Drain(buffer);
            if (n == 0)
            {
                if (RingCounters.Enabled)
                {
                    emptyDrains++;
                }
                queue.WaitWhenEmpty(ref idle);
                continue;
            }
            idle.Reset();
            if (RingCounters.Enabled)
            {
                drains++;
            }
            if (n < SmallDrain)
            {
                if (RingCounters.Enabled)
                {
                    pauses++;
                }
                Thread.SpinWait(SmallDrainPause);
            }
            for (int i = 0; i < n; i++)
            {
                sum += buffer[i];
            }
            received += n;
        }
        run.Stop(total);
        group.Join();
        // CPU of every thread (consumer and producers) per item: on this shared machine wall time mostly measures how
        // much of a core the threads were given; CPU per item measures what the queue itself costs.
        run.Report("cpu ns/item", (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / total);
        if (RingCounters.Enabled)
        {
            double ns = run.ElapsedTicks * 1e9 / System.Diagnostics.Stopwatch.Frequency / total;
            Console.Error.WriteLine(FormattableString.Invariant(
                $"[counters] {typeof(TQueue).Name} p{producers} b{producerBatch}: {ns:0.0} ns/item, {(double)total / drains:0.0} items/drain, {(double)emptyDrains / total:0.000} empty drains/item, {(double)pauses / total:0.000} pauses/item {queue.Counters}"));
        }

        long expected = producers * (perProducer * (perProducer - 1) / 2);
        if (sum != expected || received != total)
        {
            throw new InvalidOperationException($"{typeof(TQueue).Name}: received {received} items summing to {sum}; expected {total} summing to {expected}");
        }
    }

    // A full queue makes the producer spin, then yield (every wait starts with spinning again): on two cores the
    // consumer it waits for may need this core.
    private static void ProduceSingly<TQueue>(TQueue queue, long count) where TQueue : struct, IBenchQueue
    {
        SpinWait full = default;
        for (long i = 0; i < count; i++)
        {
            while (!queue.TryAdd(i))
            {
                full.SpinOnce(sleep1Threshold: -1);
            }
            full.Reset();
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
            full.Reset();
        }
    }
}
