using System.Diagnostics;
using System.Globalization;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Llm.Simulation;
using AgentOS.Time;
using AgentOS.Tools;

namespace AgentOS.Hosting.Demo;

/// <summary>Runs demo agents through one kernel: on the simulator's virtual time, or on a real backend in real time.</summary>
internal static class DemoRun
{
    /// <summary>
    /// The workload on a <see cref="SimulatedLlmBackend"/> with <paramref name="slots"/>, on virtual time: agents are
    /// launched by timers at their arrival, and the clock moves only when the whole kernel is quiescent.
    /// </summary>
    public static DemoResult Virtual(IReadOnlyList<DemoRequest> work, string policy, int slots, SimulatedLatencyModel model, TextWriter? progress)
    {
        var time = new ManualTimeProvider();
        var driver = new VirtualClockDriver(time);
        var backend = new SimulatedLlmBackend(time, slots, model);
        var stats = new DemoStats();
        var data = Directory.CreateTempSubdirectory("agentos-demo-");
        var wall = Stopwatch.StartNew();
        try
        {
            var kernel = StartKernel(time, backend, policy, data.FullName, driver);
            try
            {
                var start = time.GetUtcNow();
                var timers = new List<ITimer>(work.Count);
                foreach (var request in work)
                {
                    string name = Register(kernel, request, stats, start);
                    timers.Add(time.CreateTimer(_ => _ = kernel.RunAgentAsync(name, ""), null, request.Arrival, Timeout.InfiniteTimeSpan));
                }
                var every = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((work.Count > 0 ? work[^1].Arrival.TotalSeconds : 1) / 8)));
                using var ticker = progress is null ? null : time.CreateTimer(_ => Progress(progress, kernel, stats, work.Count, time.GetUtcNow() - start, "virtual "), null, every, every);
                driver.RunUntil(() => stats.Finished == work.Count);
                foreach (var timer in timers)
                {
                    timer.Dispose();
                }
                var span = time.GetUtcNow() - start;
                return new DemoResult(policy, $"{backend.Name} ({SimulatedLlmBackend.Label}, {slots} slots)", stats, kernel.Status.Queues, span, wall.Elapsed,
                    kernel.LlmEstimator.Learned.Skill, kernel.LlmEstimator.Learned.HasSkill);
            }
            finally
            {
                kernel.StopAsync(drain: true).GetAwaiter().GetResult();
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The workload on a real backend, in real time.</summary>
    public static async Task<DemoResult> RealAsync(IReadOnlyList<DemoRequest> work, ILlmBackend backend, string description, string policy, TextWriter? progress)
    {
        var time = TimeProvider.System;
        var stats = new DemoStats();
        var data = Directory.CreateTempSubdirectory("agentos-demo-");
        var wall = Stopwatch.StartNew();
        try
        {
            var kernel = StartKernel(time, backend, policy, data.FullName, null);
            try
            {
                var start = time.GetUtcNow();
                // About ten progress lines over the arrivals, at most one a second.
                var every = TimeSpan.FromSeconds(Math.Clamp((work.Count > 0 ? work[^1].Arrival.TotalSeconds : 1) / 10, 0.1, 1));
                using var ticker = progress is null ? null : time.CreateTimer(_ => Progress(progress, kernel, stats, work.Count, time.GetUtcNow() - start, ""), null, every, every);
                var runs = new List<Task>(work.Count);
                foreach (var request in work)
                {
                    string name = Register(kernel, request, stats, start);
                    var wait = start + request.Arrival - time.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, time).ConfigureAwait(false);
                    }
                    runs.Add(kernel.RunAgentAsync(name, ""));
                }
                try
                {
                    await Task.WhenAll(runs).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Each agent's failure is in the stats (and the table says how many failed).
                }
                return new DemoResult(policy, description, stats, kernel.Status.Queues, time.GetUtcNow() - start, wall.Elapsed,
                    kernel.LlmEstimator.Learned.Skill, kernel.LlmEstimator.Learned.HasSkill);
            }
            finally
            {
                await kernel.StopAsync(drain: true).ConfigureAwait(false);
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static AgentKernel StartKernel(TimeProvider time, ILlmBackend backend, string policy, string data, VirtualClockDriver? driver) =>
        AgentKernel.Start(new KernelOptions
        {
            TimeProvider = time,
            VirtualClock = driver,
            DataDirectory = data,
            LlmBackends = [backend],
            LlmPolicy = policy,
            Tools = new ToolRegistry().AddBuiltIns(time),
            // Late answers still count (as deadline misses) rather than being dropped.
            ExpireAtDeadline = false,
        });

    private static string Register(AgentKernel kernel, DemoRequest request, DemoStats stats, DateTimeOffset start)
    {
        string name = "agent-" + request.Index.ToString("D5", CultureInfo.InvariantCulture);
        kernel.RegisterAgent(name, () => new DemoAgent(request, stats, kernel.Time, start));
        return name;
    }

    private static void Progress(TextWriter progress, AgentKernel kernel, DemoStats stats, int total, TimeSpan at, string clock)
    {
        var queues = kernel.Status.Queues;
        var agents = stats.Agents();
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  [{clock}t={at.TotalSeconds,8:0.0}s] arrived {stats.Arrived}/{total}  running {stats.Running}  done {stats.Done}  failed {stats.Failed} | "
            + $"waiting llm {queues["llm"].Waiting} memory {queues["memory"].Waiting} storage {queues["storage"].Waiting} tool {queues["tool"].Waiting} | "
            + $"llm running {queues["llm"].Running} | agent p50 {agents.P50:0.00}s p99 {agents.P99:0.00}s"));
    }
}
