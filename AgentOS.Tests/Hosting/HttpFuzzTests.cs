using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// A seeded fuzz of the whole HTTP API against an in-process <see cref="AgentOS.Hosting.Http.KernelHttpServer"/>:
/// valid requests to every endpoint (syscalls of every kind and operation, the streamed syscall, an agent's run, an
/// approval decision, chat completions whole and streamed, models, status, agents, approvals, events), each mutated
/// by <see cref="JsonMutator"/>. No answer may be a 5xx, none may hang (each has a timeout), every refusal carries a
/// typed error code, and a refused (4xx) request leaves the kernel's storage, memory and audit of allowed operations
/// exactly as they were. The seed is printed and taken from AGENTOS_FUZZ_SEED when set, to replay a failure.
/// </summary>
public sealed class HttpFuzzTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Test(TimeoutSeconds = 1800)]
    public async Task MutatedRequestsGetNo5xxAndRefusalsChangeNothing()
    {
        int seed = Environment.GetEnvironmentVariable("AGENTOS_FUZZ_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        int mutations = TestEnvironment.Scale(5_000, 50_000);
        Note($"fuzz seed {seed} (replay: AGENTOS_FUZZ_SEED={seed}), {mutations} mutated requests");
        var random = new Random(seed);
        var mutator = new JsonMutator(random);
        await using var fuzz = await FuzzServer.StartAsync();
        var endpoints = Endpoints(fuzz);
        var posts = endpoints.Where(e => e.Body is not null).ToList();
        var gets = endpoints.Where(e => e.Body is null).ToList();
        var refusedBy = new Dictionary<int, int>();
        string before = await fuzz.FingerprintAsync();
        for (int i = 0; i < mutations; i++)
        {
            // Every tenth round also reads a body-less endpoint (status, models, agents, approvals, events) between
            // the mutated requests: it must keep answering 200.
            if (i % 10 == 0)
            {
                var get = gets[random.Next(gets.Count)];
                var (getStatus, getText) = await SendAsync(fuzz.Http, get, [], $"seed {seed}, request {i}: GET {get.Path}");
                Assert.Equal(200, getStatus, $"seed {seed}, request {i}: GET {get.Path}: {getText}");
            }
            var endpoint = posts[random.Next(posts.Count)];
            byte[] body = mutator.Mutate(endpoint.Body!(fuzz));
            string what = $"seed {seed}, request {i}: {endpoint.Method} {endpoint.Path} ({mutator.Describe})";
            var (status, text) = await SendAsync(fuzz.Http, endpoint, body, what);
            Assert.True(status < 500, $"{what} answered {status}: {text}");
            string after = await fuzz.FingerprintAsync();
            if (status >= 400)
            {
                refusedBy[status] = refusedBy.GetValueOrDefault(status) + 1;
                Assert.True(ErrorCode(text) is { Length: > 0 }, $"{what} answered {status} without a typed error: {text}");
                Assert.Equal(before, after, $"{what} was refused ({status}: {text}) but changed the kernel's state");
            }
            else if (endpoint.Path == "v1/syscalls" && body.Length > 0 && text.Contains("\"memory\"", StringComparison.Ordinal))
            {
                after = await TrackMemoryAsync(fuzz, text, after);
            }
            before = after;
        }
        Note($"fuzzed {mutations} mutated requests (seed {seed}): no 5xx, no hang, state unchanged by every refusal; refused by status: {string.Join(", ", refusedBy.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}");
        Assert.True(refusedBy.Values.Sum() > mutations / 4, "most mutations should be refused; the mutator may have stopped mutating");
    }

    // Straight to the process's stdout, past the runner's capture (which shows a test's output only when it fails):
    // the seed and the figures belong in every run's log.
    private static void Note(string line)
    {
        using var stdout = new StreamWriter(Console.OpenStandardOutput());
        stdout.WriteLine(line);
    }

    // A memory add's new id joins the fingerprint; a removed item is replaced so later gets and updates still find one.
    private static async Task<string> TrackMemoryAsync(FuzzServer fuzz, string text, string after)
    {
        using var json = JsonDocument.Parse(text);
        if (!json.RootElement.TryGetProperty("memory", out var memory) || !memory.TryGetProperty("id", out var idElement))
        {
            return after;
        }
        string id = idElement.GetString()!;
        if (!fuzz.MemoryIds.Contains(id))
        {
            fuzz.MemoryIds.Add(id);
        }
        else if (await fuzz.Kernel.Memory.FindAsync(FuzzServer.Agent, id) is null)
        {
            fuzz.MemoryIds.Remove(id);
            fuzz.MemoryIds.Add(await fuzz.AddMemoryAsync("tea again"));
        }
        return await fuzz.FingerprintAsync();
    }

    private static async Task<(int Status, string Text)> SendAsync(HttpClient http, Endpoint endpoint, byte[] body, string what)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path);
        if (endpoint.Body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            // Streams (events, streamed answers) are read to their end, except the event stream, which never ends:
            // its headers are the answer.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            string text = endpoint.Path == "v1/events" ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            return ((int)response.StatusCode, text);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"{what} got no answer within {RequestTimeout.TotalSeconds} s");
            throw;
        }
    }

    // The error code of either error shape ({"error": {"code": ...}}, the native and the OpenAI one).
    private static string? ErrorCode(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.GetProperty("error").GetProperty("code").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record Endpoint(HttpMethod Method, string Path, Func<FuzzServer, string>? Body);

    private static List<Endpoint> Endpoints(FuzzServer fuzz)
    {
        var post = HttpMethod.Post;
        string Syscall(string query) => $$"""{"agent_id": "alice", {{query}}, "priority": 1, "estimated_cost": 2}""";
        string Id(FuzzServer f) => f.MemoryIds[^1];
        return
        [
            new(post, "v1/syscalls", _ => Syscall("""
                "llm": {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello there"}], "max_tokens": 8, "temperature": 0.5, "json_output": false}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "llm": {"messages": [{"role": "user", "content": "what is the weather"}], "tools": [{"name": "get_weather", "description": "d", "parameters_schema": {"type": "object"}}]}
                """)),
            new(post, "v1/syscalls?stream=true", _ => Syscall("""
                "llm": {"messages": [{"role": "user", "content": "stream these words"}], "max_tokens": 4}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "memory": {"operation": "add", "content": "milk is white", "tags": ["drink", "dairy"], "importance": 0.5}
                """)),
            new(post, "v1/syscalls", f => Syscall($$"""
                "memory": {"operation": "get", "id": "{{Id(f)}}"}
                """)),
            new(post, "v1/syscalls", f => Syscall($$"""
                "memory": {"operation": "update", "id": "{{Id(f)}}", "content": "tea is green and hot", "tags": ["drink"], "importance": 2}
                """)),
            new(post, "v1/syscalls", f => Syscall($$"""
                "memory": {"operation": "remove", "id": "{{Id(f)}}"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "memory": {"operation": "search", "text": "tea", "limit": 5, "mode": "lexical", "owners": ["alice"]}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "write", "path": "agents/alice/notes.txt", "data": "aGVsbG8="}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "read", "path": "agents/alice/notes.txt"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "list", "path": "agents/alice/"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "versions", "path": "agents/alice/notes.txt"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "stat", "path": "agents/alice/notes.txt"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "rollback", "path": "agents/alice/notes.txt", "steps_back": 1}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "storage": {"operation": "delete", "path": "agents/alice/notes.txt"}
                """)),
            new(post, "v1/syscalls", _ => Syscall("""
                "tool": {"call": {"name": "math.add", "arguments": {"a": 2, "b": 40}, "id": "c1"}}
                """)),
            new(post, "v1/agents/echo/run", _ => """{"input": "hello agent"}"""),
            new(post, "v1/approvals/1", _ => """{"approve": false, "approver": "fuzz", "reason": "no"}"""),
            new(post, "v1/chat/completions", _ => """
                {"model": "echo", "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "math.add", "arguments": "{\"a\":1}"}}]},
                 {"role": "tool", "tool_call_id": "c1", "content": "1"}],
                 "max_tokens": 16, "temperature": 0.2, "n": 1, "tools": [{"type": "function", "function": {"name": "math.add", "description": "adds", "parameters": {"type": "object"}}}],
                 "response_format": {"type": "text"}}
                """),
            new(post, "v1/chat/completions", _ => """
                {"model": "echo", "messages": [{"role": "user", "content": "stream me"}], "stream": true, "stream_options": {"include_usage": true}, "max_completion_tokens": 8}
                """),
            new(HttpMethod.Get, "v1/models", null),
            new(HttpMethod.Get, "v1/status", null),
            new(HttpMethod.Get, "v1/agents", null),
            new(HttpMethod.Get, "v1/approvals", null),
            new(HttpMethod.Get, "v1/events", null),
        ];
    }
}
