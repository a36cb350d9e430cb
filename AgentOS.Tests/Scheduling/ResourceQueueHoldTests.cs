using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Scheduling;

/// <summary>
/// Start gates on concurrency groups (the LLM queue's per-backend rate limits and Retry-After holds), on a manual
/// clock: a held group's items wait in order while other groups run, and the queue's own timer ends the hold.
/// </summary>
public sealed class ResourceQueueHoldTests
{
    private readonly ManualTimeProvider _time = new();

    private (ResourceQueue<Job> Queue, VirtualTimeExecutor Executor) Create(Func<Job, TimeSpan> gate, int slots = 4) =>
        Create(gate, slots, new VirtualTimeExecutor(_time));

    private (ResourceQueue<Job> Queue, VirtualTimeExecutor Executor) Create(Func<Job, TimeSpan> gate, int slots, VirtualTimeExecutor executor) =>
        (new ResourceQueue<Job>(new ResourceQueueOptions<Job>
        {
            Name = "held",
            Policy = new FifoPolicy<Job>(),
            Slots = slots,
            TimeProvider = _time,
            ConcurrencyKey = job => job.Name[..1],
            ConcurrencyLimit = _ => 2,
            StartGate = gate,
        }, executor), executor);

    [Test]
    public async Task AHeldGroupWaitsInOrderUntilItsHoldEndsWhileOtherGroupsRun()
    {
        // Group "a" reported Retry-After: 5 s at t=0. b1 runs at once; a1..a3 wait; at 5 the two a-slots take a1
        // and a2 (done at 6), then a3 (done at 7).
        var heldUntil = _time.GetUtcNow().AddSeconds(5);
        int asked = 0;
        var (queue, executor) = Create(job =>
        {
            asked++;
            return job.Name[0] == 'a' && heldUntil > _time.GetUtcNow() ? heldUntil - _time.GetUtcNow() : TimeSpan.Zero;
        });
        foreach (var name in new[] { "a1", "a2", "b1", "a3" })
        {
            Assert.True(queue.TryEnqueue(new Job(name)));
        }
        queue.WaitUntilQuiescent();
        Assert.Equal(1, queue.Statistics.Running);
        Assert.Equal(3, queue.Statistics.Waiting);
        for (int i = 0; i < 4; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual([("b1", 1.0)], executor.Completions);
        for (int i = 0; i < 3; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual([("b1", 1.0), ("a1", 6.0), ("a2", 6.0), ("a3", 7.0)], executor.Completions);
        Assert.True(asked <= 5, $"the gate is asked when an item would start, not polled: {asked} times");
        await queue.StopAsync();
    }

    [Test]
    public async Task ARateLimitGateSpacesStartsAndKeepsFifoOrder()
    {
        // At most one start per 2 s in group "r" (a requests-per-window limit): r1 at 0, r2 at 2, r3 at 4.
        DateTimeOffset? last = null;
        var (queue, executor) = Create(_ =>
        {
            var now = _time.GetUtcNow();
            if (last is { } previous && now - previous < TimeSpan.FromSeconds(2))
            {
                return previous.AddSeconds(2) - now;
            }
            last = now;
            return TimeSpan.Zero;
        });
        foreach (var name in new[] { "r1", "r2", "r3" })
        {
            queue.TryEnqueue(new Job(name));
        }
        for (int i = 0; i < 6; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual([("r1", 1.0), ("r2", 3.0), ("r3", 5.0)], executor.Completions);
        await queue.StopAsync();
    }

    [Test]
    public async Task AHeldItemStillExpiresAtItsDeadlineAndAThrowingGateIsAFaultNotAStall()
    {
        var executor = new VirtualTimeExecutor(_time);
        var queue = new ResourceQueue<Job>(new ResourceQueueOptions<Job>
        {
            Name = "held",
            Policy = new FifoPolicy<Job>(),
            TimeProvider = _time,
            ExpireAtDeadline = true,
            ConcurrencyKey = job => job.Name[..1],
            StartGate = job => job.Name == "x1" ? throw new InvalidOperationException("gate broke") : TimeSpan.FromHours(1),
        }, executor);
        queue.TryEnqueue(new Job("h1") { Ticket = { Deadline = _time.GetUtcNow().AddSeconds(3) } });
        queue.TryEnqueue(new Job("x1"));
        for (int i = 0; i < 4; i++)
        {
            queue.Step(_time, 1);
        }
        Assert.SequenceEqual([("h1", JobRejection.DeadlineExpired, 3.0)], executor.Rejections);
        Assert.SequenceEqual([("x1", 1.0)], executor.Completions);
        Assert.Equal(1L, queue.Statistics.Faults);
        await queue.StopAsync();
    }
}
