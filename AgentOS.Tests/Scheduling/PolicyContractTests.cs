using AgentOS.Scheduling;
using AgentOS.Scheduling.Policies;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Scheduling;

/// <summary>What every policy must do, whatever its order. One subclass per policy.</summary>
public abstract class PolicyContractTests
{
    protected abstract ISchedulingPolicy<Job> CreatePolicy();

    [Test]
    public void EveryItemComesOutExactlyOnce()
    {
        using var policy = CreatePolicy();
        var random = new Random(7);
        var jobs = Enumerable.Range(0, 2000).Select(i => new Job("j" + i, random.Next(1, 100))).ToList();
        var seen = new HashSet<string>();
        int next = 0;
        while (next < jobs.Count || policy.Count > 0)
        {
            if (next < jobs.Count && random.Next(3) > 0)
            {
                var job = jobs[next++];
                job.Ticket.Priority = random.Next(5);
                job.Ticket.EstimatedCost = job.Service;
                job.Ticket.FlowId = random.Next(10);
                job.Ticket.Deadline = random.Next(2) == 0 ? PolicyFeed.At(random.Next(1000)) : null;
                policy.Arrive(job, next);
            }
            else if (policy.TryDequeue(next, out var job))
            {
                Assert.True(seen.Add(job.Name), $"{job.Name} came out twice");
            }
        }
        Assert.Equal(jobs.Count, seen.Count);
    }

    [Test]
    public void RemoveTakesOutAWaitingItemOnly()
    {
        using var policy = CreatePolicy();
        var a = policy.Arrive(new Job("a"));
        var b = policy.Arrive(new Job("b"));
        var c = policy.Arrive(new Job("c"));
        Assert.True(policy.Remove(b));
        Assert.False(policy.Remove(b), "removing twice");
        Assert.False(policy.Remove(new Job("stranger")));
        Assert.Equal(2, policy.Count);
        var rest = policy.DequeueAll();
        Assert.Equal(2, rest.Count);
        Assert.DoesNotContain("b", rest);
        Assert.False(policy.Remove(a), "a dequeued item is no longer waiting");
        _ = c;
    }

    [Test]
    public void EnqueueingAWaitingItemTwiceIsRejected()
    {
        using var policy = CreatePolicy();
        var a = policy.Arrive(new Job("a"));
        var ex = Assert.Throws<InvalidOperationException>(() => policy.Enqueue(a, 0));
        Assert.Contains("already waiting", ex.Message);
        Assert.Equal(1, policy.Count);
    }

    [Test]
    public void DrainToHandsOverEverythingInRunOrder()
    {
        using var reference = CreatePolicy();
        using var policy = CreatePolicy();
        for (int i = 0; i < 50; i++)
        {
            foreach (var target in new[] { reference, policy })
            {
                var job = new Job("j" + i, 1 + i * 37 % 11);
                job.Ticket.Priority = i % 4;
                job.Ticket.EstimatedCost = job.Service;
                job.Ticket.FlowId = i % 3;
                job.Ticket.Deadline = PolicyFeed.At(i * 53 % 17);
                target.Arrive(job, i);
            }
        }
        var drained = new List<string>();
        policy.DrainTo(j => drained.Add(j.Name));
        Assert.Equal(0, policy.Count);
        Assert.SequenceEqual(reference.DequeueAll(), drained);
    }
}

public sealed class FifoPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new FifoPolicy<Job>();
}

public sealed class PriorityPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new PriorityPolicy<Job>(TimeSpan.FromSeconds(1));
}

public sealed class ShortestJobFirstPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new ShortestJobFirstPolicy<Job>();
}

public sealed class RoundRobinPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new RoundRobinPolicy<Job>(TimeSpan.FromSeconds(1));
}

public sealed class EarliestDeadlineFirstPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new EarliestDeadlineFirstPolicy<Job>();
}

public sealed class LeastAttainedServicePolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new LeastAttainedServicePolicy<Job>(1);
}

public sealed class WeightedFairPolicyContract : PolicyContractTests
{
    protected override ISchedulingPolicy<Job> CreatePolicy() => new WeightedFairPolicy<Job>();
}
