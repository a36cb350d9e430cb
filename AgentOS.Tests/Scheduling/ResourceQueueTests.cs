using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;
using AgentOS.Time;
using Run = AgentOS.Tests.Scheduling.OneSlotSimulation.Run;

namespace AgentOS.Tests.Scheduling;

/// <summary>The dispatcher with its policies, on a manual clock: schedules worked out by hand in the comments.</summary>
public sealed class ResourceQueueTests
{
    private readonly ManualTimeProvider _time = new();

    private (ResourceQueue<Job> Queue, VirtualTimeExecutor Executor) Create(ISchedulingPolicy<Job> policy, int slots = 1, bool expire = false, Action<Job, TimeSpan>? missed = null)
    {
        var executor = new VirtualTimeExecutor(_time);
        var queue = new ResourceQueue<Job>(new ResourceQueueOptions<Job>
        {
            Name = "test",
            Policy = policy,
            Slots = slots,
            TimeProvider = _time,
            ExpireAtDeadline = expire,
            DeadlineMissed = missed,
        }, executor);
        return (queue, executor);
    }

    private DateTimeOffset In(double seconds) => _time.GetUtcNow().AddSeconds(seconds);

    [Test]
    public async Task RoundRobinFinishesTheShortJobWithinTwoQuantaAndRequeuesTheLongOneNineTimes()
    {
        // Quantum 1 s, one slot. long (10 s) and short (1 s) arrive together: long 0-1, short 1-2 (done),
        // then long alone for 9 more quanta, re-queued at the end of each but the last: 9 re-queues, done at 11.
        var (queue, executor) = Create(new RoundRobinPolicy<Job>(TimeSpan.FromSeconds(1)));
        var longJob = new Job("long", 10);
        var shortJob = new Job("short", 1);
        Assert.True(queue.TryEnqueue(longJob));
        Assert.True(queue.TryEnqueue(shortJob));
        for (int i = 0; i < 11; i++)
        {
            queue.Step(_time, 1);
        }
        var finished = executor.Completions.ToDictionary(c => c.Name, c => c.At);
        Assert.Equal(2.0, finished["short"]);
        Assert.Equal(11.0, finished["long"]);
        Assert.Equal(9, longJob.Ticket.Preemptions);
        Assert.Equal(0, shortJob.Ticket.Preemptions);
        Assert.Equal(9L, queue.Statistics.Preemptions);
        await queue.StopAsync();
    }

    [Test]
    public async Task EdfReportsExactlyTheMissedDeadlines()
    {
        // A 1 s gate job holds the slot while the set arrives at t=0 (deadlines relative to t=0).
        // After the gate: b 1-3 (due 4, met), a 3-6 (due 5, missed by 1), d 6-7 (due 6, missed by 1),
        // c 7-9 (due 10, met), n 9-10 (no deadline).
        var missed = new List<(string Name, TimeSpan Late)>();
        var (queue, executor) = Create(new EarliestDeadlineFirstPolicy<Job>(), missed: (job, late) => missed.Add((job.Name, late)));
        queue.TryEnqueue(new Job("gate", 1));
        queue.WaitUntilQuiescent();
        queue.TryEnqueue(new Job("a", 3) { Ticket = { Deadline = In(5) } });
        queue.TryEnqueue(new Job("n", 1));
        queue.TryEnqueue(new Job("b", 2) { Ticket = { Deadline = In(4) } });
        queue.TryEnqueue(new Job("c", 2) { Ticket = { Deadline = In(10) } });
        queue.TryEnqueue(new Job("d", 1) { Ticket = { Deadline = In(6) } });
        for (int i = 0; i < 10; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual(["gate", "b", "a", "d", "c", "n"], executor.Completions.Select(c => c.Name));
        Assert.SequenceEqual([("a", TimeSpan.FromSeconds(1)), ("d", TimeSpan.FromSeconds(1))], missed);
        Assert.Equal(2L, queue.Statistics.DeadlinesMissed);
        Assert.Equal(2L, queue.Statistics.DeadlinesMet);
        await queue.StopAsync();
    }

    [Test]
    public async Task EdfMeetsEveryDeadlineOfAFeasibleSet()
    {
        // After a 1 s gate: b 1-2 (due 4), c 2-5 (due 8), a 5-7 (due 11): all met.
        var (queue, _) = Create(new EarliestDeadlineFirstPolicy<Job>());
        queue.TryEnqueue(new Job("gate", 1));
        queue.WaitUntilQuiescent();
        queue.TryEnqueue(new Job("a", 2) { Ticket = { Deadline = In(11) } });
        queue.TryEnqueue(new Job("b", 1) { Ticket = { Deadline = In(4) } });
        queue.TryEnqueue(new Job("c", 3) { Ticket = { Deadline = In(8) } });
        for (int i = 0; i < 8; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.Equal(3L, queue.Statistics.DeadlinesMet);
        Assert.Equal(0L, queue.Statistics.DeadlinesMissed);
        await queue.StopAsync();
    }

    [Test]
    public async Task ExpiredWaitingItemIsRejectedAtItsDeadlineByATimer()
    {
        // The gate runs 0-10; x (due 3) would only start at 10, so at exactly t=3 it is rejected, never run.
        var (queue, executor) = Create(new FifoPolicy<Job>(), expire: true);
        queue.TryEnqueue(new Job("gate", 10));
        queue.TryEnqueue(new Job("x", 1) { Ticket = { Deadline = In(3) } });
        queue.TryEnqueue(new Job("y", 1) { Ticket = { Deadline = In(30) } });
        queue.Step(_time, 3);
        Assert.SequenceEqual([("x", JobRejection.DeadlineExpired, 3.0)], executor.Rejections);
        for (int i = 0; i < 8; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual(["gate", "y"], executor.Completions.Select(c => c.Name));
        var stats = queue.Statistics;
        Assert.Equal(1L, stats.Expired);
        Assert.Equal(1L, stats.DeadlinesMissed);
        Assert.Equal(1L, stats.DeadlinesMet);
        await queue.StopAsync();
    }

    [Test]
    public async Task CancellingAWaitingItemRemovesItAndTheRestRun()
    {
        var (queue, executor) = Create(new FifoPolicy<Job>());
        var b = new Job("b", 1);
        queue.TryEnqueue(new Job("gate", 1));
        queue.TryEnqueue(new Job("a", 1));
        queue.TryEnqueue(b);
        queue.TryEnqueue(new Job("c", 1));
        queue.WaitUntilQuiescent();
        queue.Cancel(b);
        queue.WaitUntilQuiescent();
        Assert.SequenceEqual([("b", JobRejection.Cancelled, 0.0)], executor.Rejections);
        for (int i = 0; i < 4; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual(["gate", "a", "c"], executor.Completions.Select(c => c.Name));
        Assert.Equal(1L, queue.Statistics.Cancelled);
        await queue.StopAsync();
    }

    [Test]
    public async Task LasPreemptsTheRunningJobWhenAFreshOneArrives()
    {
        // Base quantum 1 s, limits 1, 2, 4, 8. A (7 s) runs 0-1, 1-2; B (1 s) arrives at 2 and runs 2-3;
        // A resumes at level 2 for 3-5, then level 3 for 5-8. (A run that is preempted before it gives any service
        // is a zero-length slice and not shown.)
        var (queue, executor) = Create(new LeastAttainedServicePolicy<Job>(1, levels: 4));
        queue.TryEnqueue(new Job("A", 7));
        queue.Step(_time, 1);
        queue.Step(_time, 1);
        queue.TryEnqueue(new Job("B", 1));
        for (int i = 0; i < 6; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual(
            [new Run("A", 0, 1), new Run("A", 1, 2), new Run("B", 2, 3), new Run("A", 3, 5), new Run("A", 5, 8)],
            executor.Slices.Where(s => s.End > s.Start));
        await queue.StopAsync();
    }

    [Test]
    public async Task StopWithoutDrainRejectsWaitingItemsAndRefusesNewOnes()
    {
        var (queue, executor) = Create(new FifoPolicy<Job>());
        queue.TryEnqueue(new Job("running", 5));
        queue.TryEnqueue(new Job("w1", 1));
        queue.TryEnqueue(new Job("w2", 1));
        queue.WaitUntilQuiescent();
        var stopping = queue.StopAsync(drain: false);
        SpinWait.SpinUntil(() => executor.Rejections.Count == 2, TimeSpan.FromSeconds(20));
        Assert.SequenceEqual([("w1", JobRejection.QueueStopped, 0.0), ("w2", JobRejection.QueueStopped, 0.0)], executor.Rejections);
        var refused = Assert.Throws<QueueStoppedException>(() => queue.TryEnqueue(new Job("late")));
        Assert.Contains("accepts no new items", refused.Message);
        Assert.False(stopping.IsCompleted, "the running item still holds the queue open");
        _time.Advance(TimeSpan.FromSeconds(5));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.SequenceEqual(["running"], executor.Completions.Select(c => c.Name));
    }

    [Test]
    public async Task StopWithDrainRunsEverythingSubmitted()
    {
        var (queue, executor) = Create(new FifoPolicy<Job>());
        for (int i = 0; i < 5; i++)
        {
            queue.TryEnqueue(new Job("j" + i, 1));
        }
        var stopping = queue.StopAsync(drain: true);
        while (!stopping.IsCompleted && _time.Elapsed < TimeSpan.FromSeconds(30))
        {
            queue.Step(_time, 1);
        }
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.SequenceEqual(["j0", "j1", "j2", "j3", "j4"], executor.Completions.Select(c => c.Name));
        Assert.Equal(0, executor.Rejections.Count);
    }
}
