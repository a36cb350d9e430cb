using System.Collections.Concurrent;
using AgentOS.Bench.Harness;
using AgentOS.Queues;

namespace AgentOS.Bench.Queues;

/// <summary>
/// One producer, one consumer: the SPSC ring with batch writes and reads, the same ring one item at a time, and
/// <see cref="ConcurrentQueue{T}"/>. Bar (DESIGN): batched at least 2x ConcurrentQueue, 0 bytes per item.
/// </summary>
internal static class SpscRingBenchmarks
{
    private const int WriteBatch = 64;

    [Benchmark("ring.spsc.batched", Baseline = "ring.spsc.cq,ring.spsc.unbatched", MultiThreaded = true)]
    public static void Batched(BenchRun run) =>
        QueueDriver.Run(run, new BenchQueues.Spsc(new SpscRing<long>(QueueDriver.Capacity)), producers: 1, producerBatch: WriteBatch);

    [Benchmark("ring.spsc.unbatched", Baseline = "ring.spsc.cq", MultiThreaded = true)]
    public static void Unbatched(BenchRun run) =>
        QueueDriver.Run(run, new BenchQueues.SpscUnbatched(new SpscRing<long>(QueueDriver.Capacity)), producers: 1);

    [Benchmark("ring.spsc.cq", MultiThreaded = true)]
    public static void ConcurrentQueueBaseline(BenchRun run) =>
        QueueDriver.Run(run, new BenchQueues.Concurrent(new ConcurrentQueue<long>()), producers: 1);
}
