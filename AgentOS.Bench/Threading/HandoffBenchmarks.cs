using System.Diagnostics;
using AgentOS.Bench.Harness;
using AgentOS.Queues;
using AgentOS.Threading;

namespace AgentOS.Bench.Threading;

/// <summary>
/// Hand-off latency through <see cref="PinnedThreadPool"/>: a producer thread stamps an item and enqueues it to a
/// one-worker pool; the worker timestamps the moment it starts the item (one sample per op), then signals back, and
/// the producer sends the next. Both sides wait spin-then-park (the pool's worker loop, and a <see cref="SpinThenParkWaitStrategy"/> for
/// the producer). Pinned: producer and worker on different allowed CPUs (the same one if only one is allowed);
/// unpinned: both free to run anywhere in the allowed set.
/// </summary>
internal static class HandoffBenchmarks
{
    [Benchmark("thread.handoff.pinned", Kind = BenchKind.Latency, Baseline = "thread.handoff.unpinned", MultiThreaded = true)]
    public static void Pinned(BenchRun run) => Measure(run, pinned: true);

    [Benchmark("thread.handoff.unpinned", Kind = BenchKind.Latency, MultiThreaded = true)]
    public static void Unpinned(BenchRun run) => Measure(run, pinned: false);

    private static void Measure(BenchRun run, bool pinned)
    {
        int operations = run.Size(20_000, 2_000);
        var allowed = CpuAffinity.AllowedCpus();
        using var pool = new PinnedThreadPool(new PinnedThreadPoolOptions
        {
            Name = "handoff",
            WorkerCount = 1,
            Cpus = [allowed[^1]],
            Pin = pinned,
        });
        var item = new StampedItem(run);
        using var go = new ManualResetEventSlim();
        var producer = PinnedThread.Start("handoff-send", pinned ? allowed[0] : null, _ =>
        {
            go.Wait();
            for (int i = 0; i < operations; i++)
            {
                item.Send(pool);
            }
        });
        if (pinned && (!producer.IsPinned || !pool.Workers[0].IsPinned))
        {
            throw new InvalidOperationException($"pinning failed: producer {producer.PinResult}; worker {pool.Workers[0].PinResult}");
        }

        run.Start();
        go.Set();
        producer.Join();
        run.Stop(operations);
    }

    /// <summary>The one item handed back and forth: reused, so a hand-off allocates nothing.</summary>
    private sealed class StampedItem : IPinnedWorkItem
    {
        private readonly BenchRun _run;
        private readonly SpinThenParkWaitStrategy _producer = new();
        private readonly Func<bool> _isDone;
        private long _sentAt;
        private int _done;

        public StampedItem(BenchRun run)
        {
            _run = run;
            _isDone = () => Volatile.Read(ref _done) != 0;
        }

        public void Send(PinnedThreadPool pool)
        {
            Volatile.Write(ref _done, 0);
            Volatile.Write(ref _sentAt, Stopwatch.GetTimestamp());
            pool.Enqueue(this, preferredWorker: 0);
            while (!_isDone())
            {
                _producer.WaitUntil(_isDone);
            }
        }

        public void Execute()
        {
            long started = Stopwatch.GetTimestamp();
            _run.Record(started - Volatile.Read(ref _sentAt));
            Volatile.Write(ref _done, 1);
            _producer.Wake();
        }
    }
}
