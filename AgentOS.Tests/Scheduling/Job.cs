using AgentOS.Scheduling;

namespace AgentOS.Tests.Scheduling;

/// <summary>A test item: a name, a true service need, and a ticket.</summary>
public sealed class Job(string name, double service = 1) : ISchedulable
{
    public string Name { get; } = name;

    /// <summary>The service the job really needs (simulations run it for this long).</summary>
    public double Service { get; } = service;

    public SchedulingTicket Ticket { get; } = new();

    public override string ToString() => Name;
}

/// <summary>Sets the ticket state a queue would set, for tests that drive a policy directly.</summary>
public static class PolicyFeed
{
    private static long s_sequence;

    public static Job Arrive(this ISchedulingPolicy<Job> policy, Job job, double atSeconds = 0)
    {
        long ticks = TimeSpan.FromSeconds(atSeconds).Ticks;
        job.Ticket.ArrivalTicks = ticks;
        job.Ticket.ArrivalSequence = job.Ticket.EnqueueSequence = Interlocked.Increment(ref s_sequence);
        if (job.Ticket.Deadline is { } deadline)
        {
            job.Ticket.DeadlineTicks = (deadline - DateTimeOffset.UnixEpoch).Ticks;
        }
        policy.Enqueue(job, ticks);
        return job;
    }

    public static List<string> DequeueAll(this ISchedulingPolicy<Job> policy)
    {
        var order = new List<string>();
        while (policy.TryDequeue(0, out var job))
        {
            order.Add(job.Name);
        }
        return order;
    }

    /// <summary>A deadline <paramref name="seconds"/> after the epoch the tests use as time zero.</summary>
    public static DateTimeOffset At(double seconds) => DateTimeOffset.UnixEpoch.AddSeconds(seconds);
}
