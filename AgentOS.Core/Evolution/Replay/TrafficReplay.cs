using AgentOS.Llm.Simulation;
using AgentOS.Scheduling;
using AgentOS.Time;

namespace AgentOS.Evolution.Replay;

/// <summary>
/// Replays requests through the kernel's own <see cref="ResourceQueue{T}"/> (its dispatcher thread, the policy under
/// test) onto the simulator, on virtual time moved by a <see cref="VirtualClockDriver"/>. The self-improving loop
/// proves candidate settings with it, and the scheduling benchmarks measure policies with it.
/// </summary>
/// <remarks>Its learn callback sees each finished request (its <see cref="ReplayRequest.Completion"/> set); its
/// started callback gets the queue once it runs, so a caller can change its policy mid-replay.</remarks>
internal static class TrafficReplay
{
    public static ReplayOutcome Run(ReplayRequest[] template, Func<ManualTimeProvider, ISchedulingPolicy<ReplayRequest>> policy, int slots, SimulatedLatencyModel model, Action<ReplayRequest>? learn = null, Action<ResourceQueue<ReplayRequest>>? started = null,
        ReplayPool? pool = null)
    {
        var requests = template.Select(r => r.Fresh()).ToArray();
        var time = new ManualTimeProvider();
        var driver = new VirtualClockDriver(time);
        int finished = 0;
        var executor = new ReplayExecutor(time, model, r =>
        {
            learn?.Invoke(r);
            Interlocked.Increment(ref finished);
        }, pool);
        // With a pool, each backend is a concurrency group of its own slots, as in the kernel's LLM queue.
        string[]? keys = pool is null ? null : [.. Enumerable.Range(0, pool.Slots.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        executor.Reset(requests.Length);
        var queue = new ResourceQueue<ReplayRequest>(new ResourceQueueOptions<ReplayRequest>
        {
            Name = "llm",
            Policy = policy(time),
            Slots = pool?.Slots.Sum() ?? slots,
            ConcurrencyKey = keys is null ? null : r => keys[r.Backend],
            ConcurrencyLimit = pool is null ? null : key => pool.Slots[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)],
            TimeProvider = time,
            InboxCapacity = 1 << 15,
            Idle = driver.Wake,
        }, executor);
        driver.AddSource(() => queue.IsQuiescentWith(executor.WaitingOnClock));
        started?.Invoke(queue);
        var start = time.GetUtcNow();
        int next = 0;
        ITimer? arrivals = null;
        arrivals = time.CreateTimer(_ =>
        {
            // In whole ticks, the clock's own unit, so a re-armed timer is never due "now" without its request being taken.
            long now = time.Elapsed.Ticks;
            while (next < requests.Length && TimeSpan.FromSeconds(requests[next].Arrival).Ticks <= now)
            {
                var r = requests[next++];
                r.Ticket.Deadline = start + TimeSpan.FromSeconds(r.Arrival + r.Slo);
                r.Ticket.Priority = r.Index % 3;
                r.Ticket.FlowId = r.Agent.GetHashCode(StringComparison.Ordinal);
                if (!queue.TryEnqueue(r))
                {
                    throw new InvalidOperationException("The replay's inbox filled up; raise InboxCapacity.");
                }
            }
            if (next < requests.Length)
            {
                arrivals!.Change(TimeSpan.FromTicks(TimeSpan.FromSeconds(requests[next].Arrival).Ticks - now), Timeout.InfiniteTimeSpan);
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        arrivals.Change(TimeSpan.FromSeconds(requests[0].Arrival), Timeout.InfiniteTimeSpan);
        driver.RunUntil(() => Volatile.Read(ref finished) == requests.Length);
        arrivals.Dispose();
        var statistics = queue.Statistics;
        queue.StopAsync().GetAwaiter().GetResult();
        return ReplayOutcome.From(requests, executor.Completions, statistics.DeadlinesMissed, statistics.Preemptions);
    }
}
