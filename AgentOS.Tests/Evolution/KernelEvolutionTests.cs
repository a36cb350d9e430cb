using System.Text.Json;
using AgentOS.Evolution;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Serialization;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Evolution;

/// <summary>The loop inside the kernel: what it learns from, where its changes go, and a real rollback of the live queue.</summary>
public sealed class KernelEvolutionTests : IAsyncDisposable
{
    private static readonly LlmQueueSettings Start = new() { Policy = "rr", ServiceQuantum = 64, Quantum = TimeSpan.FromMilliseconds(250), AgingRate = 3, SkillThreshold = 0.35 };

    private readonly TempDirectory _data = new("agentos-evolution");
    private readonly List<AgentKernel> _kernels = [];

    private AgentKernel Boot()
    {
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = _data.Path });
        _kernels.Add(kernel);
        kernel.RegisterIdentity("alice");
        return kernel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var kernel in _kernels)
        {
            await kernel.StopAsync(drain: false);
        }
        _data.Dispose();
    }

    // Waits (bounded) for something another thread does; the test asserts the outcome, never how long it took.
    private static void Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"never happened: {what}");
            }
            Thread.Sleep(5);
        }
    }

    [Test]
    public async Task TheLoopLearnsFromEveryFinishedLlmCallOfTheKernel()
    {
        var kernel = Boot();
        Assert.Null(kernel.Status.Evolution);
        var loop = await kernel.StartEvolutionAsync(new EvolutionOptions { Window = 50, EvaluateEvery = 1_000_000 });
        for (int i = 0; i < 5; i++)
        {
            await kernel.Port.SubmitAsync(new SyscallRequest
            {
                AgentId = "alice",
                Llm = new LlmQuery { Messages = [ChatMessage.User("one two three")], CallSite = "plan" },
            });
        }
        Assert.Equal(5L, loop.Observed);
        var profile = loop.Learn();
        Assert.Equal(5, profile.Calls);
        Assert.Equal(5, profile.Lengths["alice/plan"].Count);
        Assert.True(profile.Backends.Keys.Single().Length > 0, "the backend that served the calls");
        await Assert.ThrowsAsync<InvalidOperationException>(() => kernel.StartEvolutionAsync());
    }

    [Test]
    public async Task EveryChangeIsStoredAuditedEventedShownInStatusAndReadBackAfterARestart()
    {
        var kernel = Boot();
        var loop = await kernel.StartEvolutionAsync(new EvolutionOptions { Window = 50 });
        var heard = new TaskCompletionSource<EvolutionChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (kernel.Events.Subscribe<EvolutionChange>(c => heard.TrySetResult(c)))
        {
            var pin = Assert.NotNull(loop.Pin("policy", "fifo"));
            Assert.Equal(1L, pin.Version);
            Assert.Equal(pin, await heard.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        // Stored under its version, as JSON that reads back to the same change.
        var stored = Assert.NotNull(await kernel.Storage.ReadAsync(EvolutionRecorder.Prefix + "00000001"));
        Assert.Equal(loop.History[0], JsonSerializer.Deserialize(stored.Data.Span, AgentOSJsonContext.Default.EvolutionChange));
        // Audited, durably.
        await kernel.Audit.FlushAsync();
        var audited = kernel.Audit.ReadAll().Single(r => r.Agent == EvolutionRecorder.Actor);
        Assert.Contains("v1 pin", audited.Message);
        // In status (and its JSON), and in force on the live queue.
        var status = Assert.NotNull(kernel.Status.Evolution);
        Assert.Equal("fifo", status.Current.Policy);
        Assert.Equal("fifo", status.Parameters["policy"]);
        Assert.Equal("fifo", status.Pins["policy"]);
        Assert.SequenceEqual(loop.History, status.History);
        Assert.Contains("\"evolution\":{\"current\":{\"policy\":\"fifo\"", JsonSerializer.Serialize(kernel.Status, AgentOSJsonContext.Default.KernelStatus));
        Eventually(() => kernel.Status.Queues["llm"].Policy == "fifo", "the LLM queue runs FIFO");

        await kernel.StopAsync();
        var again = Boot();
        Assert.NotEqual("fifo", again.LlmQueue.Current.Policy);
        var reopened = await again.StartEvolutionAsync(new EvolutionOptions { Window = 50 });
        Assert.SequenceEqual(loop.History, reopened.History);
        Assert.Equal("fifo", again.LlmQueue.Current.Policy); // the settings the last change left in force
        Assert.Equal(2L, Assert.NotNull(reopened.Pin("aging_rate", "4")).Version);
    }

    [Test]
    public async Task ARollbackRestoresTheLiveQueuesPreviousConfigurationExactly()
    {
        var kernel = Boot();
        var queue = kernel.LlmQueue;
        queue.Apply(Start);
        Eventually(() => queue.RunningPolicy == "rr", "the queue runs RR");
        var loop = new EvolutionLoop(queue, new EvolutionOptions { Window = 300, EvaluateEvery = 1, WatchCalls = 150 });
        var calls = Traffic.Calls(600);
        foreach (var call in Traffic.Live(calls[..400], Start))
        {
            loop.Observe(call);
        }
        var applied = Assert.NotNull(loop.Step());
        Assert.Equal("apply", applied.Kind);
        Assert.Equal(applied.To, queue.Current);
        Eventually(() => queue.RunningPolicy == applied.To.Policy, "the queue runs the applied policy");
        Assert.Equal(applied.To.SkillThreshold, kernel.LlmEstimator.Learned.SkillThreshold);

        foreach (var call in Traffic.Live(calls, applied.To, slowdown: 3)[400..])
        {
            loop.Observe(call);
        }
        var rollback = Assert.NotNull(loop.Step());
        Assert.Equal("rollback", rollback.Kind);
        Assert.Equal(Start, queue.Current);
        Eventually(() => queue.RunningPolicy == "rr", "the queue runs RR again");
        Assert.Equal(Start.SkillThreshold, kernel.LlmEstimator.Learned.SkillThreshold);
        // The queue still serves calls after the swaps.
        var answer = await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = new LlmQuery { Messages = [ChatMessage.User("still here")] } });
        Assert.Equal("still here", answer.Llm!.Content);
    }
}
