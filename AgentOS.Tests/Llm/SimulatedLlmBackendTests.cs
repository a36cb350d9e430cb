using AgentOS.Llm.Simulation;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Llm;

public sealed class SimulatedLlmBackendTests
{
    [Test]
    public async Task A_generation_takes_the_models_time_on_the_virtual_clock_and_says_it_is_simulated()
    {
        var time = new ManualTimeProvider();
        var model = new SimulatedLatencyModel { FirstTokenBase = TimeSpan.FromMilliseconds(10), PrefillPerToken = TimeSpan.FromMilliseconds(1), DecodePerToken = TimeSpan.FromMilliseconds(5) };
        var backend = new SimulatedLlmBackend(time, slots: 2, model);
        var query = new LlmQuery { Messages = [ChatMessage.User(new string('x', 400))], MaxTokens = 30 };
        var pending = backend.GenerateAsync(query).AsTask();
        Assert.Equal(1, backend.WaitingOnClock);
        // 10 ms + 100 prompt tokens × 1 ms + 30 × 5 ms = 260 ms.
        time.Advance(TimeSpan.FromMilliseconds(259));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, backend.WaitingOnClock);
        var response = await pending;
        Assert.Equal(100, response.PromptTokens);
        Assert.Equal(30, response.CompletionTokens);
        Assert.Contains("simulator", response.Content);
        Assert.Contains("simulator", SimulatedLlmBackend.Label);
    }

    [Test]
    public async Task Cancelling_a_generation_leaves_the_clock_count_and_ends_it_cancelled()
    {
        var time = new ManualTimeProvider();
        var backend = new SimulatedLlmBackend(time);
        using var cts = new CancellationTokenSource();
        var pending = backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("hi")], MaxTokens = 5 }, cts.Token).AsTask();
        cts.Cancel();
        Assert.Equal(0, backend.WaitingOnClock);
        await Assert.ThrowsAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Test]
    public void Bad_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SimulatedLlmBackend(new ManualTimeProvider(), slots: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SimulatedLlmBackend(new ManualTimeProvider(), model: new SimulatedLatencyModel { DecodePerToken = TimeSpan.Zero }));
    }
}
