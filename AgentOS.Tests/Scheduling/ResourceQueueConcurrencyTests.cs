using System.Collections.Concurrent;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Scheduling;

/// <summary>The queue under real threads: exactly-once under load and policy swaps, per-tool limits, storage batches.</summary>
public sealed class ResourceQueueConcurrencyTests
{
    /// <summary>Completes every run on the thread pool and counts how often each item ran.</summary>
    private sealed class CountingExecutor(int items) : IJobExecutor<Job>
    {
        public int[] Runs { get; } = new int[items];
        public int Rejected;

        public void Start(ExecutionSlot<Job> slot) =>
            ThreadPool.UnsafeQueueUserWorkItem(static s =>
            {
                var (executor, slot) = s;
                foreach (var job in slot.Batch)
                {
                    Interlocked.Increment(ref executor.Runs[int.Parse(job.Name)]);
                }
                slot.Complete();
            }, (this, slot), preferLocal: false);

        public void Reject(Job item, JobRejection reason) => Interlocked.Increment(ref Rejected);
    }

    /// <summary>Holds each run until the test releases it, recording what started together.</summary>
    private sealed class HoldingExecutor : IJobExecutor<Job>
    {
        private readonly ConcurrentDictionary<string, ExecutionSlot<Job>> _held = new();
        public ConcurrentQueue<string[]> Started { get; } = new();

        public void Start(ExecutionSlot<Job> slot)
        {
            var names = slot.Batch.ToArray().Select(j => j.Name).ToArray();
            _held[names[0]] = slot;
            Started.Enqueue(names);
        }

        public void Reject(Job item, JobRejection reason)
        {
        }

        public HashSet<string> Running => [.. _held.Keys];

        public void Release(string first)
        {
            Assert.True(_held.TryRemove(first, out var slot), $"{first} is not running");
            slot!.Complete();
        }
    }

    [Test(TimeoutSeconds = 120)]
    public async Task EveryItemRunsExactlyOnceWhilePoliciesAreSwapped()
    {
        int producers = 4;
        int perProducer = TestEnvironment.Scale(20_000, 250_000);
        var executor = new CountingExecutor(producers * perProducer);
        await using var queue = new ResourceQueue<Job>(new ResourceQueueOptions<Job> { Policy = new FifoPolicy<Job>(), Slots = 4, InboxCapacity = 1024 }, executor);

        // A swap moves every waiting item (O(n log n) on the dispatcher), so swaps are spaced out: 40 of them, 5 ms
        // apart, while the producers run.
        using var swapping = new CancellationTokenSource();
        int swaps = 0;
        var swapper = Task.Run(() =>
        {
            string[] names = ["sjf", "edf", "wfq", "las", "priority", "rr", "fifo"];
            for (; swaps < 40 && !swapping.IsCancellationRequested; swaps++)
            {
                queue.SwapPolicy(SchedulingPolicies.Create<Job>(names[swaps % names.Length], quantum: TimeSpan.FromMilliseconds(1)));
                Thread.Sleep(5);
            }
        });
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (int i = 0; i < perProducer; i++)
            {
                var job = new Job((p * perProducer + i).ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    Ticket = { Priority = random.Next(4), EstimatedCost = random.Next(100), FlowId = p, Deadline = random.Next(3) == 0 ? DateTimeOffset.UtcNow.AddSeconds(random.Next(5)) : null },
                };
                await queue.EnqueueAsync(job);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await queue.StopAsync(drain: true);
        swapping.Cancel();
        await swapper;

        var wrong = Enumerable.Range(0, executor.Runs.Length).Where(i => executor.Runs[i] != 1).Take(5).Select(i => $"#{i} ran {executor.Runs[i]}x").ToList();
        Assert.Equal(0, wrong.Count, string.Join(", ", wrong));
        Assert.Equal(0, executor.Rejected);
        Assert.Equal((long)producers * perProducer, queue.Statistics.Completed);
        Assert.True(swaps > 0, "at least one swap happened while items flowed");
    }

    [Test]
    public async Task ToolQueueLimitsEachToolWithoutHoldingBackTheOthers()
    {
        // Four slots; tool A allows 1 call at a time, tool B 2. A1 A2 A3 B1 B2 B3 arrive in that order:
        // A1, B1, B2 run; A2 and A3 wait for A1 and B3 for a B slot, though a slot is free.
        var executor = new HoldingExecutor();
        var options = ResourceQueues.Tool<Job>(4, j => j.Name[..1], tool => tool == "A" ? 1 : 2);
        await using var queue = new ResourceQueue<Job>(options, executor);
        foreach (var name in new[] { "A1", "A2", "A3", "B1", "B2", "B3" })
        {
            queue.TryEnqueue(new Job(name));
        }
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual(["A1", "B1", "B2"], executor.Running.Order());
        Assert.Equal(3, queue.Statistics.Waiting);

        executor.Release("A1");
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual(["A2", "B1", "B2"], executor.Running.Order());

        executor.Release("B1");
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual(["A2", "B2", "B3"], executor.Running.Order());

        foreach (var name in new[] { "A2", "B2", "B3" })
        {
            executor.Release(name);
        }
        queue.WaitUntilQuiescent();
        executor.Release("A3");
        queue.WaitUntilQuiescent();
        Assert.Equal(6L, queue.Statistics.Completed);
    }

    [Test]
    public async Task StorageQueueHandsCompatibleOperationsToOneSlotAsABatch()
    {
        // FIFO, batches of at most 4 operations of the same kind (w = write, r = read). The gate holds the only slot
        // while the rest arrive; then: [w1 w2] (r1 breaks the run), [r1], [w3 w4 w5 w6] (full), [w7].
        var executor = new HoldingExecutor();
        var options = ResourceQueues.Storage<Job>(1, (a, b) => a.Name[0] == b.Name[0], maxBatch: 4, policy: new FifoPolicy<Job>());
        await using var queue = new ResourceQueue<Job>(options, executor);
        queue.TryEnqueue(new Job("gate"));
        queue.WaitUntilQuiescent();
        foreach (var name in new[] { "w1", "w2", "r1", "w3", "w4", "w5", "w6", "w7" })
        {
            queue.TryEnqueue(new Job(name));
        }
        queue.WaitUntilQuiescent();
        foreach (var first in new[] { "gate", "w1", "r1", "w3", "w7" })
        {
            executor.Release(first);
            queue.WaitUntilQuiescent();
        }
        var batches = executor.Started.Select(b => string.Join(" ", b)).ToList();
        Assert.SequenceEqual(["gate", "w1 w2", "r1", "w3 w4 w5 w6", "w7"], batches);
        Assert.Equal(9L, queue.Statistics.Completed);
        Assert.Equal(5L, queue.Statistics.Dispatched);
    }

    [Test]
    public async Task DispatcherThreadIsPinnedWhereAsked()
    {
        Skip.If(!OperatingSystem.IsLinux(), "not applicable: reads the pin back from Linux's /proc");
        var cpus = AgentOS.Threading.CpuAffinity.AllowedCpus();
        int cpu = cpus[^1];
        var executor = new HoldingExecutor();
        await using var queue = new ResourceQueue<Job>(new ResourceQueueOptions<Job> { Name = "pinned", Policy = new FifoPolicy<Job>(), DispatcherCpu = cpu }, executor);
        Assert.True(queue.DispatcherPinResult.Succeeded, queue.DispatcherPinResult.Message);
        // Read back from the OS itself, not through the wrapper that set it.
        Assert.SequenceEqual([cpu], AgentOS.Tests.Helpers.ProcStatus.ThreadCpusAllowed(queue.DispatcherOsThreadId));
        Assert.Equal("agentos-pinned", AgentOS.Tests.Helpers.ProcStatus.ThreadName(queue.DispatcherOsThreadId));
    }

    [Test]
    public void OptionsAreValidatedWithClearErrors()
    {
        var executor = new HoldingExecutor();
        var noSlots = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ResourceQueue<Job>(new ResourceQueueOptions<Job> { Policy = new FifoPolicy<Job>(), Slots = 0 }, executor));
        Assert.Contains("Slots", noSlots.Message);
        var batchWithoutRule = Assert.Throws<ArgumentException>(() => _ = new ResourceQueue<Job>(new ResourceQueueOptions<Job> { Policy = new FifoPolicy<Job>(), MaxBatch = 8 }, executor));
        Assert.Contains("BatchCompatible", batchWithoutRule.Message);
        var unknown = Assert.Throws<ArgumentException>(() => SchedulingPolicies.Create<Job>("lottery"));
        Assert.Contains("fifo, priority, sjf, rr, edf, las, wfq", unknown.Message);
    }
}
