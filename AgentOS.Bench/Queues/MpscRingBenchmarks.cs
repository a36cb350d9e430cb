using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentOS.Bench.Harness;
using AgentOS.Queues;

namespace AgentOS.Bench.Queues;

/// <summary>
/// Many producers, one batch-draining consumer, the same items: the MPSC ring against <see cref="ConcurrentQueue{T}"/>
/// and a bounded <see cref="Channel{T}"/> (TryWrite/TryRead, single reader), with 1, 2 and 4 producers. Bars (DESIGN):
/// at least 1.0x ConcurrentQueue and 3x the channel at every producer count, 0 bytes per item. On two cores, four
/// producers and a consumer oversubscribe the machine: that case measures scheduling as much as the queue. The ring's
/// consumer waits with <see cref="SpinThenYieldWaitStrategy"/>, as the other queues' consumers spin and yield: a parking
/// consumer that keeps up with one producer would park and make the producer pay a wake-up per burst, which measures
/// the wait strategy (the kernel's dispatchers park on purpose), not the queue.
/// </summary>
internal static class MpscRingBenchmarks
{
    [Benchmark("ring.mpsc.p1", Baseline = "ring.cq.p1,ring.channel.p1", MultiThreaded = true)]
    public static void MpscP1(BenchRun run) => Mpsc(run, 1);

    [Benchmark("ring.mpsc.p2", Baseline = "ring.cq.p2,ring.channel.p2", MultiThreaded = true)]
    public static void MpscP2(BenchRun run) => Mpsc(run, 2);

    [Benchmark("ring.mpsc.p4", Baseline = "ring.cq.p4,ring.channel.p4", MultiThreaded = true)]
    public static void MpscP4(BenchRun run) => Mpsc(run, 4);

    [Benchmark("ring.cq.p1", MultiThreaded = true)]
    public static void ConcurrentQueueP1(BenchRun run) => Concurrent(run, 1);

    [Benchmark("ring.cq.p2", MultiThreaded = true)]
    public static void ConcurrentQueueP2(BenchRun run) => Concurrent(run, 2);

    [Benchmark("ring.cq.p4", MultiThreaded = true)]
    public static void ConcurrentQueueP4(BenchRun run) => Concurrent(run, 4);

    [Benchmark("ring.channel.p1", MultiThreaded = true)]
    public static void ChannelP1(BenchRun run) => BoundedChannel(run, 1);

    [Benchmark("ring.channel.p2", MultiThreaded = true)]
    public static void ChannelP2(BenchRun run) => BoundedChannel(run, 2);

    [Benchmark("ring.channel.p4", MultiThreaded = true)]
    public static void ChannelP4(BenchRun run) => BoundedChannel(run, 4);

    private static void Mpsc(BenchRun run, int producers) =>
        QueueDriver.Run(run, new BenchQueues.Mpsc(new MpscRing<long>(QueueDriver.Capacity, new SpinThenYieldWaitStrategy())), producers);

    private static void Concurrent(BenchRun run, int producers) =>
        QueueDriver.Run(run, new BenchQueues.Concurrent(new ConcurrentQueue<long>()), producers);

    private static void BoundedChannel(BenchRun run, int producers) =>
        QueueDriver.Run(run, new BenchQueues.BoundedChannel(Channel.CreateBounded<long>(new BoundedChannelOptions(QueueDriver.Capacity)
        {
            SingleReader = true,
            SingleWriter = producers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        })), producers);
}
