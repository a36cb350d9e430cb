using AgentOS.Hosting.Demo;
using AgentOS.Llm.Simulation;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Time;

public sealed class VirtualClockDriverTests
{
    [Test(TimeoutSeconds = 120)]
    public void Two_runs_of_a_kernel_workload_on_the_simulator_finish_every_agent_at_the_same_virtual_time()
    {
        // Agents doing LLM, memory, storage and tool syscalls, with two slots for many agents: queueing on the LLM,
        // real file writes on storage, continuations on the thread pool. Virtual time must not care.
        var model = new SimulatedLatencyModel();
        var work = DemoWorkload.Simulated(LlmTrace.Synthetic(80, seed: 5), slots: 2, model);
        var first = DemoRun.Virtual(work, "sjf", 2, model, progress: null);
        var second = DemoRun.Virtual(work, "sjf", 2, model, progress: null);
        Assert.Equal(80, first.Stats.Done, first.Stats.FirstError);
        Assert.Equal(80, second.Stats.Done, second.Stats.FirstError);
        var a = first.Stats.Finishes();
        var b = second.Stats.Finishes();
        foreach (var (agent, at) in a)
        {
            Assert.Equal(at, b[agent], $"agent {agent}");
        }
        Assert.Equal(first.ClockSpan, second.ClockSpan);
        Assert.Equal(160L, first.Queues["llm"].Completed);
        // Queueing happened: some agent took longer than its own two generations alone on a slot.
        Assert.True(first.Stats.Agents().P99 > work.Max(w => (model.Service(w.InputTokens, w.AnswerTokens) + model.Service(16, w.SummaryTokens)).TotalSeconds));
    }

    [Test]
    public void The_first_agent_alone_finishes_after_exactly_its_generations()
    {
        var model = new SimulatedLatencyModel();
        var work = DemoWorkload.Simulated(LlmTrace.Synthetic(1, seed: 9), slots: 1, model);
        var result = DemoRun.Virtual(work, "fifo", 1, model, progress: null);
        var w = work[0];
        double expected = (model.Service(w.InputTokens, w.AnswerTokens) + model.Service(SimulatedLlmBackend.CountPromptTokens(new() { Messages = [AgentOS.Syscalls.Queries.ChatMessage.User("In one line: " + $"[{SimulatedLlmBackend.Label}: {w.AnswerTokens} tokens]")] }), w.SummaryTokens)).TotalSeconds;
        Assert.Near(expected, result.Stats.Finishes()[0], 1e-9);
    }

    [Test]
    public void A_step_that_never_started_cannot_end_and_a_stuck_system_is_reported()
    {
        var driver = new VirtualClockDriver(new ManualTimeProvider());
        Assert.Throws<InvalidOperationException>(driver.StepEnded);
        var idle = new VirtualClockDriver(new ManualTimeProvider());
        var error = Assert.Throws<InvalidOperationException>(() => idle.RunUntil(() => false));
        Assert.Contains("no timer armed", error.Message);
    }

    [Test]
    public void Time_stands_still_while_a_step_runs_and_jumps_to_the_next_timer_when_quiescent()
    {
        var time = new ManualTimeProvider();
        var driver = new VirtualClockDriver(time);
        var fired = new List<TimeSpan>();
        using var a = time.CreateTimer(_ => fired.Add(time.Elapsed), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        driver.StepStarted();
        var worker = Task.Run(() =>
        {
            // The driver must not move the clock while this step is outstanding.
            Assert.Equal(TimeSpan.Zero, time.Elapsed);
            driver.StepEnded();
        });
        driver.RunUntil(() => fired.Count == 1);
        worker.GetAwaiter().GetResult();
        Assert.Equal(TimeSpan.FromHours(1), fired[0]);
        Assert.Equal(1L, driver.Jumps);
    }
}
