using AgentOS.Scheduling;
using AgentOS.Time;

namespace AgentOS.Tests.Scheduling;

/// <summary>
/// An executor on a manual clock: a job runs for its <see cref="Job.Service"/> in virtual seconds, one service unit per
/// second, stopping early at the end of its service budget or when a yield is requested. It records every slice.
/// </summary>
public sealed class VirtualTimeExecutor(ManualTimeProvider time) : IJobExecutor<Job>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ExecutionSlot<Job>, Run> _runs = [];

    public List<OneSlotSimulation.Run> Slices { get; } = [];
    public List<(string Name, JobRejection Reason, double At)> Rejections { get; } = [];
    public List<(string Name, double At)> Completions { get; } = [];

    private double Now => time.Elapsed.TotalSeconds;

    public void Start(ExecutionSlot<Job> slot)
    {
        lock (_gate)
        {
            var job = slot.Item;
            double remaining = job.Service - job.Ticket.AttainedService;
            double runFor = Math.Min(remaining, slot.ServiceBudget);
            var run = new Run(job, Now);
            _runs[slot] = run;
            run.Timer = time.CreateTimer(_ => Stop(slot, run), null, TimeSpan.FromSeconds(runFor), Timeout.InfiniteTimeSpan);
        }
    }

    public void OnYieldRequested(ExecutionSlot<Job> slot)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(slot, out var run))
            {
                Stop(slot, run);
            }
        }
    }

    public void Reject(Job item, JobRejection reason)
    {
        lock (_gate)
        {
            Rejections.Add((item.Name, reason, Now));
        }
    }

    // Ends the run at the current virtual time: complete when the job's service is done, otherwise yield.
    private void Stop(ExecutionSlot<Job> slot, Run run)
    {
        lock (_gate)
        {
            if (!_runs.TryGetValue(slot, out var current) || current != run)
            {
                return; // a timer of a run that already ended
            }
            _runs.Remove(slot);
            run.Timer?.Dispose();
            double ran = Now - run.Start;
            slot.ReportService(ran);
            Slices.Add(new OneSlotSimulation.Run(run.Job.Name, run.Start, Now));
            if (run.Job.Ticket.AttainedService >= run.Job.Service - 1e-9)
            {
                Completions.Add((run.Job.Name, Now));
                slot.Complete();
            }
            else
            {
                slot.Yield();
            }
        }
    }

    private sealed class Run(Job job, double start)
    {
        public Job Job { get; } = job;
        public double Start { get; } = start;
        public ITimer? Timer { get; set; }
    }
}

/// <summary>Steps a queue on a manual clock: advance only once the dispatcher has nothing left to do.</summary>
public static class Quiescence
{
    public static void WaitUntilQuiescent<T>(this ResourceQueue<T> queue) where T : class, ISchedulable
    {
        if (!SpinWait.SpinUntil(() => queue.IsQuiescent, TimeSpan.FromSeconds(20)))
        {
            throw new TimeoutException($"queue {queue.Name} never became quiescent: {queue.Statistics}");
        }
    }

    public static void Step<T>(this ResourceQueue<T> queue, ManualTimeProvider time, double seconds) where T : class, ISchedulable
    {
        queue.WaitUntilQuiescent();
        time.Advance(TimeSpan.FromSeconds(seconds));
        queue.WaitUntilQuiescent();
    }
}
