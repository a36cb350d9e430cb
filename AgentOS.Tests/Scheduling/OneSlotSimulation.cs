using AgentOS.Scheduling;

namespace AgentOS.Tests.Scheduling;

/// <summary>
/// Drives a policy the way a dispatcher with one execution slot would, on integer virtual seconds: jobs arrive at given
/// times, run for their <see cref="Job.Service"/>, yield when their service budget runs out, and are preempted when
/// the policy says so on an arrival. The tests compare its output with schedules worked out by hand.
/// </summary>
public static class OneSlotSimulation
{
    public sealed record Run(string Name, double Start, double End);

    /// <summary>Every slice each job ran, in order.</summary>
    public static List<Run> Simulate(ISchedulingPolicy<Job> policy, params (Job Job, double At)[] arrivals)
    {
        var pending = new Queue<(Job Job, double At)>(arrivals.OrderBy(a => a.At));
        var slices = new List<Run>();
        double t = 0;
        Job? running = null;
        double sliceStart = 0;
        while (pending.Count > 0 || running is not null || policy.Count > 0)
        {
            while (pending.Count > 0 && pending.Peek().At <= t)
            {
                var (job, at) = pending.Dequeue();
                policy.Arrive(job, at);
                if (running is not null && policy.ShouldPreempt(running))
                {
                    slices.Add(new Run(running.Name, sliceStart, t));
                    Requeue(policy, running, t);
                    running = null;
                }
            }
            if (running is null)
            {
                if (!policy.TryDequeue(TimeSpan.FromSeconds(t).Ticks, out running))
                {
                    t = pending.Peek().At;
                    continue;
                }
                sliceStart = t;
            }
            double remaining = running.Service - running.Ticket.AttainedService;
            double budget = policy.ServiceBudget(running);
            double untilArrival = pending.Count > 0 ? pending.Peek().At - t : double.PositiveInfinity;
            double step = Math.Min(remaining, Math.Min(budget, untilArrival));
            t += step;
            running.Ticket.AttainedService += step;
            if (running.Ticket.AttainedService >= running.Service)
            {
                slices.Add(new Run(running.Name, sliceStart, t));
                running = null;
            }
            else if (step >= budget)
            {
                slices.Add(new Run(running.Name, sliceStart, t));
                Requeue(policy, running, t);
                running = null;
            }
        }
        return slices;
    }

    private static long s_requeue = 1_000_000;

    private static void Requeue(ISchedulingPolicy<Job> policy, Job job, double t)
    {
        job.Ticket.EnqueueSequence = Interlocked.Increment(ref s_requeue);
        job.Ticket.Preemptions++;
        policy.Enqueue(job, TimeSpan.FromSeconds(t).Ticks);
    }

    /// <summary>When each job finished.</summary>
    public static Dictionary<string, double> Finishes(List<Run> slices) =>
        slices.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Max(s => s.End));

    /// <summary>Job order by first start.</summary>
    public static List<string> StartOrder(List<Run> slices) => [.. slices.Select(s => s.Name).Distinct()];
}
