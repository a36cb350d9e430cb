using AgentOS.Bench.Harness;
using AgentOS.Time;

namespace AgentOS.Bench.Time;

/// <summary>What virtual time costs: arming and firing timers on the manual clock, against a bare priority queue.</summary>
internal static class ManualTimeProviderBenchmarks
{
    [Benchmark("time.manual.arm-and-fire", Baseline = "time.priorityqueue.arm-and-fire")]
    public static void ArmAndFire(BenchRun run)
    {
        int n = run.Size(100_000, 10_000);
        var time = new ManualTimeProvider();
        var timers = new ITimer[n];
        int fired = 0;
        TimerCallback callback = _ => fired++;
        run.Start();
        for (int i = 0; i < n; i++)
        {
            timers[i] = time.CreateTimer(callback, null, TimeSpan.FromTicks(1 + (i * 7919L) % n), Timeout.InfiniteTimeSpan);
        }
        time.Advance(TimeSpan.FromTicks(n + 1));
        run.Stop(n);
        if (fired != n)
        {
            throw new InvalidOperationException($"fired {fired} of {n}");
        }
    }

    [Benchmark("time.priorityqueue.arm-and-fire")]
    public static void PriorityQueueBaseline(BenchRun run)
    {
        int n = run.Size(100_000, 10_000);
        var queue = new PriorityQueue<Action, long>(n);
        int fired = 0;
        Action callback = () => fired++;
        run.Start();
        for (int i = 0; i < n; i++)
        {
            queue.Enqueue(callback, 1 + (i * 7919L) % n);
        }
        while (queue.TryDequeue(out var action, out _))
        {
            action();
        }
        run.Stop(n);
        if (fired != n)
        {
            throw new InvalidOperationException($"fired {fired} of {n}");
        }
    }
}
