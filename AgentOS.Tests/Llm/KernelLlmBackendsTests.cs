using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Llm;

/// <summary>Several backends in one kernel: per-backend slots, a Retry-After holding the backend's queue on the
/// kernel's clock while others run, rate limits, and failover when a backend is marked down.</summary>
public sealed class KernelLlmBackendsTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-llm-backends");
    private readonly List<AgentKernel> _kernels = [];

    private AgentKernel Start(IReadOnlyList<ILlmBackend> backends, TimeProvider? time = null, IReadOnlyDictionary<string, LlmRateLimits>? limits = null)
    {
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = _data.Path, TimeProvider = time ?? TimeProvider.System, LlmBackends = backends, LlmRateLimits = limits });
        kernel.RegisterIdentity("alice");
        _kernels.Add(kernel);
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

    private static Task<SyscallResponse> Ask(AgentKernel kernel, string? backend = null) =>
        kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = new LlmQuery { Messages = [ChatMessage.User("hi")], Backend = backend } }).AsTask();

    private static void Settle(AgentKernel kernel)
    {
        Assert.True(SpinWait.SpinUntil(() => kernel.IsQuiescent, TimeSpan.FromSeconds(20)), "the kernel settles");
    }

    [Test]
    public async Task ARetryAfterHoldsTheBackendsQueuedCallsUntilThenWhileAnotherBackendServes()
    {
        var time = new ManualTimeProvider();
        int calls = 0;
        await using var server = new ScriptedHttpServer((_, x) => Interlocked.Increment(ref calls) == 1
            ? x.RespondAsync(429, """{"error":{"message":"Rate limit reached","type":"requests"}}""", "application/json", ("Retry-After", "30"))
            : x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"""));
        using var remote = new OpenAiBackend(new OpenAiBackendOptions { Name = "remote", BaseUrl = server.Url + "v1", Models = ["gpt-4o-mini"], TimeProvider = time });
        var local = new ModelBackend("local", ["llama3"]);
        var kernel = Start([remote, local], time);

        var limited = await Assert.ThrowsAsync<RateLimitedException>(() => Ask(kernel, "remote").WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(TimeSpan.FromSeconds(30), limited.RetryAfter);
        Assert.Equal(time.GetUtcNow().AddSeconds(30), kernel.Llm.Limiter("remote").HeldUntil);

        var held = Ask(kernel, "remote");
        var other = await Ask(kernel, "local").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("local", other.Llm!.Backend);
        Settle(kernel);
        time.Advance(TimeSpan.FromSeconds(29));
        Settle(kernel);
        Assert.False(held.IsCompleted, "held until the Retry-After time");
        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal(1, kernel.Status.Queues["llm"].Waiting);

        time.Advance(TimeSpan.FromSeconds(1));
        var answer = await held.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("ok", answer.Llm!.Content);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Test]
    public async Task EachBackendKeepsToItsOwnSlots()
    {
        var busy = new ModelBackend("busy", ["a"], slots: 1) { Release = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var free = new ModelBackend("free", ["b"], slots: 2);
        var kernel = Start([busy, free]);
        var waiting = Enumerable.Range(0, 3).Select(_ => Ask(kernel, "busy")).ToList();
        var served = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Ask(kernel, "free"))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(served.All(r => r.Llm!.Backend == "free"), "the free backend serves while the busy one holds its slot");
        Settle(kernel);
        Assert.Equal(1, busy.Calls);
        busy.Release.SetResult();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, busy.Calls);
        Assert.Equal(1, busy.MaxRunning);
    }

    [Test]
    public async Task ASyscallQueuedForABackendThatIsThenMarkedDownFailsTypedWhenItWouldRun()
    {
        var backend = new ModelBackend("flaky", ["m"]) { Release = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var kernel = Start([backend]);
        var running = Ask(kernel);
        var queued = Ask(kernel);
        Settle(kernel);
        kernel.Llm.MarkDown("flaky", "probe failed");
        backend.Release.SetResult();
        await running.WaitAsync(TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAsync<BackendFailedException>(() => queued.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("marked down while this syscall waited", error.Message);
        Assert.Equal(1, backend.Calls);
        var refused = await Assert.ThrowsAsync<BackendFailedException>(() => Ask(kernel));
        Assert.Contains("probe failed", refused.Message);
    }

    [Test]
    public async Task RequestsPerMinuteHoldTheBackendOnTheKernelsClock()
    {
        var time = new ManualTimeProvider();
        var backend = new ModelBackend("limited", ["m"], slots: 4);
        var kernel = Start([backend], time, new Dictionary<string, LlmRateLimits> { ["limited"] = new() { RequestsPerMinute = 2 } });
        var calls = Enumerable.Range(0, 3).Select(_ => Ask(kernel)).ToList();
        await Task.WhenAll(calls.Take(2)).WaitAsync(TimeSpan.FromSeconds(20));
        Settle(kernel);
        Assert.False(calls[2].IsCompleted, "the third request of the minute waits");
        time.Advance(TimeSpan.FromSeconds(60));
        await calls[2].WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, backend.Calls);
    }

    [Test]
    public async Task MarkingABackendDownFailsItsModelOverToAnotherUntilItIsMarkedUp()
    {
        var primary = new ModelBackend("primary", ["gpt-4o"]);
        var secondary = new ModelBackend("secondary", ["gpt-4o"]);
        var kernel = Start([primary, secondary]);
        Assert.Equal("primary", (await Ask(kernel, "gpt-4o")).Llm!.Backend);
        kernel.Llm.MarkDown("primary", "the Reactor saw it fail");
        Assert.Equal("secondary", (await Ask(kernel, "gpt-4o")).Llm!.Backend);
        Assert.Equal("secondary", (await Ask(kernel)).Llm!.Backend);
        kernel.Llm.MarkUp("primary");
        Assert.Equal("primary", (await Ask(kernel, "gpt-4o")).Llm!.Backend);
        await Assert.ThrowsAsync<InvalidRequestException>(() => Ask(kernel, "claude"));
    }
}
