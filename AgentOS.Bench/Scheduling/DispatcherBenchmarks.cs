using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Threading;

namespace AgentOS.Bench.Scheduling;

/// <summary>
/// Hand-off latency through a <see cref="ResourceQueue{T}"/>: from the producer's publish to the executor's
/// <c>Start</c> on the dispatcher thread, one item at a time (the producer waits for each start before the next
/// publish), with the dispatcher pinned to a CPU other than the producer's, and unpinned.
/// </summary>
internal static class DispatcherBenchmarks
{
    [Benchmark("dispatch.handoff.pinned", Kind = BenchKind.Latency, Baseline = "dispatch.handoff.unpinned", MultiThreaded = true)]
    public static void Pinned(BenchRun run)
    {
        var cpus = CpuAffinity.AllowedCpus();
        Measure(run, cpus.Count > 1 ? cpus[1] : cpus[0], cpus[0]);
    }

    [Benchmark("dispatch.handoff.unpinned", Kind = BenchKind.Latency, MultiThreaded = true)]
    public static void Unpinned(BenchRun run) => Measure(run, null, null);

    private static void Measure(BenchRun run, int? dispatcherCpu, int? producerCpu)
    {
        int n = run.Size(20_000, 2_000);
        var executor = new StampExecutor(run);
        var queue = new ResourceQueue<StampedItem>(new ResourceQueueOptions<StampedItem>
        {
            Name = "bench",
            Policy = new FifoPolicy<StampedItem>(),
            DispatcherCpu = dispatcherCpu,
        }, executor);
        var item = new StampedItem();

        // The producer runs on its own thread so that it can be pinned (and unpinned) without touching the caller.
        var producer = new Thread(() =>
        {
            if (producerCpu is { } cpu)
            {
                CpuAffinity.TryPinCurrentThread(cpu);
            }
            run.Start();
            for (int i = 0; i < n; i++)
            {
                long started = executor.Started;
                item.Stamp = Stopwatch.GetTimestamp();
                queue.TryEnqueue(item);
                SpinWait spin = default;
                while (Volatile.Read(ref executor.Started) == started)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
                // Let the run end before the item is submitted again.
                while (!queue.IsQuiescent)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
            run.Stop(n);
        });
        producer.Start();
        producer.Join();
        queue.StopAsync().GetAwaiter().GetResult();
    }

    private sealed class StampedItem : ISchedulable
    {
        public long Stamp;
        public SchedulingTicket Ticket { get; } = new();
    }

    private sealed class StampExecutor(BenchRun run) : IJobExecutor<StampedItem>
    {
        public long Started;

        public void Start(ExecutionSlot<StampedItem> slot)
        {
            run.Record(Stopwatch.GetTimestamp() - slot.Item.Stamp);
            slot.Complete();
            Interlocked.Increment(ref Started);
        }

        public void Reject(StampedItem item, JobRejection reason)
        {
        }
    }
}
