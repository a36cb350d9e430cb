using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A kernel with the echo backend behind its HTTP server on 127.0.0.1, for the tests of the OpenAI-compatible
/// endpoint: alice may use the echo backend, bob no LLM at all, carol three calls per window.
/// </summary>
public abstract class OpenAiSurfaceFixture : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-openai-surface");
    private KernelHttpServer? _server;

    protected AgentKernel Kernel { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    protected async Task StartAsync()
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("chat", g => g.UseLlm("echo"))
            .AddGroup("readers", g => g.AllowTools("clock.now"))
            .AddGroup("metered", g => g.UseLlm("echo").LimitCalls(3))
            .AddAgent("alice", "chat")
            .AddAgent("bob", "readers")
            .AddAgent("carol", "metered")
            .Build();
        Kernel = AgentKernel.Start(new KernelOptions { DataDirectory = _data.Path, Access = policy, LlmBackends = [new EchoLlmBackend()] });
        _server = KernelHttpServer.Start(Kernel, new HttpServerOptions
        {
            ApiKeys = new Dictionary<string, string> { ["sk-alice"] = "alice", ["sk-bob"] = "bob", ["sk-carol"] = "carol" },
        });
        Http = new HttpClient { BaseAddress = _server.Url };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-alice");
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            await Kernel.DisposeAsync();
        }
        _data.Dispose();
        GC.SuppressFinalize(this);
    }

    protected void As(string key) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

    protected async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await Http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    protected async Task<JsonElement> OkAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        var (status, json) = await PostAsync(path, body, headers);
        Assert.Equal(HttpStatusCode.OK, status, json.ToString());
        return json;
    }

    protected async Task AssertErrorAsync(string path, string body, HttpStatusCode status, string code)
    {
        var (actual, json) = await PostAsync(path, body);
        Assert.Equal(status, actual, json.ToString());
        var error = json.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.True(error.GetProperty("message").GetString()!.Length > 10, "the message says what is wrong");
    }

    /// <summary>The events of a server-sent event stream: each one's "event:" name and its JSON data.</summary>
    protected async Task<List<(string Name, JsonElement Data)>> StreamAsync(string path, string body)
    {
        using var response = await Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string, JsonElement)>();
        foreach (var block in (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.True(lines.Length == 2 && lines[0].StartsWith("event: ", StringComparison.Ordinal) && lines[1].StartsWith("data: ", StringComparison.Ordinal), $"an event with a name and data: {block}");
            using var data = JsonDocument.Parse(lines[1][6..]);
            events.Add((lines[0][7..], data.RootElement.Clone()));
        }
        return events;
    }
}
