using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Evolution;

/// <summary>The kernel's LLM queue takes slots per backend and routing weights live, and applying the previous value
/// restores the previous configuration exactly: the backend's slot limit and the router's weights.</summary>
public sealed class LiveBackendSettingsTests
{
    // Waits (bounded) for the queue to reach a state; asserts the state, never how long it took.
    private static void Eventually(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(20)))
        {
            Assert.Fail($"never happened: {what}");
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task SlotsPerBackendAndRoutingWeightsApplyLiveAndTheRollbackRestoresThemExactly()
    {
        using var data = new TempDirectory("agentos-evolution-live");
        // Calls that never finish on their own: what runs and what waits shows the slot limit in force.
        var kernel = AgentKernel.Start(new KernelOptions
        {
            DataDirectory = data.Path,
            LlmBackends = [new EchoLlmBackend(TimeSpan.FromHours(1), slots: 2, name: "a"), new EchoLlmBackend(TimeSpan.FromHours(1), slots: 1, name: "b")],
        });
        kernel.RegisterIdentity("alice");
        var queue = kernel.LlmQueue;
        var previous = queue.Current;
        Assert.SequenceEqual(["a=2", "b=1"], queue.Backends.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var changed = previous.With("slots.a", "1").With("weight.a", "1").With("weight.b", "3");
        queue.Apply(changed);
        Assert.Equal(changed, queue.Current);
        Assert.Equal(3.0, kernel.Llm.RoutingWeights!["b"]);

        var calls = Enumerable.Range(0, 3).Select(_ => kernel.Port.SubmitAsync(new SyscallRequest
        {
            AgentId = "alice",
            Llm = new LlmQuery { Messages = [ChatMessage.User("hi")], Backend = "a" },
        }).AsTask()).ToList();
        Eventually(() => kernel.Status.Queues["llm"] is { Running: 1, Waiting: 2 }, "one call runs on backend a's single slot, two wait");

        // The rollback: the previous value, applied again. Backend a has both slots back and routing is as configured.
        queue.Apply(previous);
        Assert.Equal(previous, queue.Current);
        Assert.Null(kernel.Llm.RoutingWeights);
        Assert.Equal("a", kernel.Llm.Route(new LlmQuery { Messages = [ChatMessage.User("hi")] }).Name);
        Eventually(() => kernel.Status.Queues["llm"] is { Running: 2, Waiting: 1 }, "backend a runs two calls again");

        // Refused values change nothing: a backend that is not configured, more slots than declared.
        Assert.Throws<ArgumentException>(() => queue.Apply(previous.With("slots.zzz", "1")));
        Assert.Throws<ArgumentException>(() => queue.Apply(previous.With("slots.b", "2")));
        Assert.Throws<ArgumentException>(() => queue.Apply(previous.With("weight.zzz", "1")));
        Assert.Equal(previous, queue.Current);
        Assert.Null(kernel.Llm.RoutingWeights);

        await kernel.StopAsync(drain: false);
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<KernelStoppingException>(() => call);
        }
    }
}
