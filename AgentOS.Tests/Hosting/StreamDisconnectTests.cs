using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A streaming client that goes away mid-answer, on both stream endpoints: its syscall is cancelled and the backend's
/// only slot is free for the next call, rather than held until the generation reaches its end.
/// </summary>
public sealed class StreamDisconnectTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-disconnect");
    private readonly EndlessBackend _backend = new();
    private AgentKernel? _kernel;
    private KernelHttpServer? _server;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_kernel is not null)
        {
            await _kernel.DisposeAsync();
        }
        _data.Dispose();
    }

    private HttpClient Start()
    {
        var policy = AccessPolicy.CreateBuilder().AddGroup("chat", g => g.UseLlm("endless")).AddAgent("alice", "chat").Build();
        _kernel = AgentKernel.Start(new KernelOptions { DataDirectory = _data.Path, Access = policy, LlmBackends = [_backend] });
        _server = KernelHttpServer.Start(_kernel, new HttpServerOptions { ApiKeys = new Dictionary<string, string> { ["sk-alice"] = "alice" } });
        var http = new HttpClient { BaseAddress = _server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-alice");
        return http;
    }

    [Test(TimeoutSeconds = 30)]
    public async Task AnOpenAiStreamWhoseClientLeavesFreesTheSlot()
    {
        using var http = Start();
        await ReadOneChunkAndLeaveAsync(http, "v1/chat/completions", """{"model": "endless", "stream": true, "messages": [{"role": "user", "content": "forever"}]}""");
        await AssertCancelledAndSlotFreeAsync();
    }

    [Test(TimeoutSeconds = 30)]
    public async Task ANativeStreamWhoseClientLeavesFreesTheSlot()
    {
        using var http = Start();
        await ReadOneChunkAndLeaveAsync(http, "v1/syscalls?stream=true", """{"agent_id": "alice", "llm": {"backend": "endless", "messages": [{"role": "user", "content": "forever"}]}}""");
        await AssertCancelledAndSlotFreeAsync();
    }

    private static async Task ReadOneChunkAndLeaveAsync(HttpClient http, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        Assert.True(await stream.ReadAsync(buffer) > 0, "the stream had begun");
        // Disposing the response mid-body closes the connection: the client is gone.
    }

    private async Task AssertCancelledAndSlotFreeAsync()
    {
        await _backend.Cancelled.Task; // hangs (and the test times out) while the generation runs on
        var answer = await _kernel!.Port.SubmitAsync(new AgentOS.Syscalls.SyscallRequest
        {
            AgentId = "alice",
            Llm = new LlmQuery { Backend = "endless", Messages = [ChatMessage.User("short")] },
        });
        Assert.Equal("short", answer.Llm!.Content, "the one slot served the next call");
        Assert.Equal(2L, _kernel.Status.Queues["llm"].Dispatched, "two runs: the abandoned one was not requeued");
    }

    // One slot; "forever" streams a word every few milliseconds until it is cancelled, anything else is answered at once.
    private sealed class EndlessBackend : ILlmBackend
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "endless";

        public int Slots => 1;

        public LlmCapabilities Capabilities { get; } = new() { Streaming = true, MaxContextTokens = int.MaxValue };

        public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new LlmResponse { Content = query.Messages[^1].Content ?? "", CompletionTokens = 1, Backend = Name });

        public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (query.Messages[^1].Content != "forever")
            {
                var answer = await GenerateAsync(query, cancellationToken);
                yield return new LlmStreamItem(answer.Content);
                yield return new LlmStreamItem(null, answer);
                yield break;
            }
            using var registration = cancellationToken.Register(() => Cancelled.TrySetResult());
            for (int i = 0; i < 1_000_000; i++)
            {
                yield return new LlmStreamItem("word ");
                await Task.Delay(5, cancellationToken);
            }
        }
    }
}
