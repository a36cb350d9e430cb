using System.Collections.Concurrent;
using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Scheduling;

/// <summary>
/// Once the queue hands an item back to its submitter (finished, or faulted at start), the submitter may recycle it at
/// once, clearing what the queue's callbacks read (the kernel's tool queue reads the tool name for the concurrency key).
/// The queue must never read a handed-back item again; a late cancel naming it must find nothing.
/// </summary>
public sealed class ResourceQueueHandBackTests
{
    /// <summary>Holds each run until the test completes it; throws from Start for a job named "bad".</summary>
    private sealed class HandBackExecutor : IJobExecutor<Job>
    {
        public ConcurrentDictionary<Job, byte> HandedBack { get; } = new();
        public ConcurrentDictionary<string, ExecutionSlot<Job>> Running { get; } = new();
        public ConcurrentQueue<(string Name, JobRejection Reason)> Rejections { get; } = new();

        public void Start(ExecutionSlot<Job> slot)
        {
            var job = slot.Batch[0];
            if (job.Name == "bad")
            {
                throw new InvalidOperationException("the executor cannot start this job");
            }
            Running[job.Name] = slot;
        }

        public void OnFinished(Job item) => HandedBack[item] = 0;

        public void Reject(Job item, JobRejection reason)
        {
            Rejections.Enqueue((item.Name, reason));
            HandedBack[item] = 0;
        }

        public void Complete(string name)
        {
            Assert.True(Running.TryRemove(name, out var slot), $"{name} is not running");
            slot!.Complete();
        }
    }

    private static (ResourceQueue<Job> Queue, HandBackExecutor Executor, Func<int> ReadsAfterHandBack) Create()
    {
        var executor = new HandBackExecutor();
        int readsAfterHandBack = 0;
        var queue = new ResourceQueue<Job>(new ResourceQueueOptions<Job>
        {
            Policy = new FifoPolicy<Job>(),
            Slots = 4,
            // A recycled kernel syscall has no request left to name its tool: count every such read.
            ConcurrencyKey = job =>
            {
                if (executor.HandedBack.ContainsKey(job))
                {
                    Interlocked.Increment(ref readsAfterHandBack);
                }
                return job.Name[..1];
            },
            ConcurrencyLimit = _ => 1,
            ExecutorFaulted = (job, _) => executor.HandedBack[job] = 0,
        }, executor);
        return (queue, executor, () => Volatile.Read(ref readsAfterHandBack));
    }

    [Test]
    public async Task ACancelNamingAFinishedItemNeverReadsItAndCancelsNothing()
    {
        var (queue, executor, readsAfterHandBack) = Create();
        var a1 = new Job("a1");
        var a2 = new Job("a2");
        Assert.True(queue.TryEnqueue(a1));
        Assert.True(queue.TryEnqueue(a2));
        queue.WaitUntilQuiescent();
        Assert.Equal(1, queue.Statistics.Waiting); // a2 is deferred behind a1 in group "a"
        executor.Complete("a1");
        queue.WaitUntilQuiescent();
        Assert.True(executor.HandedBack.ContainsKey(a1), "a1 finished and went back to its submitter");

        // The submitter cancels late, with the same submission (its ticket not yet reset, as during a recycle).
        queue.Cancel(a1);
        queue.WaitUntilQuiescent();

        Assert.Equal(0, readsAfterHandBack());
        Assert.Equal(0L, queue.Statistics.Cancelled);
        Assert.True(executor.Rejections.IsEmpty, "nothing was rejected");
        executor.Complete("a2");
        await queue.StopAsync();
    }

    [Test]
    public async Task ACancelStillRemovesADeferredItemFoundByIdentity()
    {
        var (queue, executor, readsAfterHandBack) = Create();
        var a2 = new Job("a2");
        Assert.True(queue.TryEnqueue(new Job("a1")));
        Assert.True(queue.TryEnqueue(a2));
        Assert.True(queue.TryEnqueue(new Job("a3")));
        queue.WaitUntilQuiescent();

        queue.Cancel(a2);
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual([("a2", JobRejection.Cancelled)], executor.Rejections);
        Assert.Equal(1L, queue.Statistics.Cancelled);

        executor.Complete("a1");
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual(["a3"], executor.Running.Keys);
        executor.Complete("a3");
        Assert.Equal(0, readsAfterHandBack());
        await queue.StopAsync();
    }

    [Test]
    public async Task AStartFaultFreesTheGroupBeforeTheItemIsHandedBack()
    {
        var (queue, executor, readsAfterHandBack) = Create();
        var bad = new Job("bad");
        Assert.True(queue.TryEnqueue(bad));
        Assert.True(queue.TryEnqueue(new Job("b2")));
        queue.WaitUntilQuiescent();

        Assert.True(executor.HandedBack.ContainsKey(bad), "the faulted item went back to its submitter");
        Assert.Equal(0, readsAfterHandBack());
        Assert.Equal(1L, queue.Statistics.Faults);
        // Group "b" (limit 1) was freed by the fault, so b2 runs.
        Assert.SequenceEqual(["b2"], executor.Running.Keys);
        executor.Complete("b2");
        await queue.StopAsync();
    }
}
