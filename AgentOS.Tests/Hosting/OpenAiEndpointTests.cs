using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// The OpenAI-compatible endpoint over real HTTP on 127.0.0.1: OpenAI's wire shapes (whole, streamed, tool calls,
/// usage), API keys as agent identities, the kernel's permissions and budgets answered in OpenAI's error shape.
/// </summary>
public sealed class OpenAiEndpointTests : OpenAiSurfaceFixture
{
    // alice may use the echo backend; bob's group has no LLM at all; carol has 3 calls per window.
    private new async Task<HttpClient> StartAsync()
    {
        await base.StartAsync();
        return Http;
    }

    [Test]
    public async Task ModelsListsTheKernelsBackends()
    {
        var http = await StartAsync();
        using var models = JsonDocument.Parse(await http.GetStringAsync("v1/models"));
        Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        var model = models.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("echo", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
    }

    [Test]
    public async Task AChatCompletionComesBackInOpenAisShapeWithUsage()
    {
        var http = await StartAsync();
        var (status, json) = await PostAsync(http, """
            {"model": "echo", "messages": [{"role": "developer", "content": "Be brief."},
             {"role": "user", "content": [{"type": "text", "text": "hello "}, {"type": "text", "text": "there"}]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status, json.ToString());
        var root = json.RootElement;
        Assert.True(root.GetProperty("id").GetString()!.StartsWith("chatcmpl-", StringComparison.Ordinal));
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("echo", root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices").EnumerateArray().Single();
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("hello there", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        // Echo counts words: "Be brief." + "hello there" in, "hello there" out.
        var usage = root.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(6, usage.GetProperty("total_tokens").GetInt32());
    }

    [Test]
    public async Task AStreamArrivesAsChunksThenUsageThenDone()
    {
        var http = await StartAsync();
        var events = await StreamAsync(http, """
            {"model": "echo", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "one two three"}]}
            """);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.True(chunks.All(c => c.GetProperty("object").GetString() == "chat.completion.chunk"));
        Assert.Equal(1, chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Count(), "one id for the whole stream");
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            .Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("one two three", text);
        Assert.SequenceEqual(["one ", "two ", "three"], chunks.Skip(1).Take(3).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(3, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Test]
    public async Task AToolCallComesBackWholeAndStreamed()
    {
        var http = await StartAsync();
        const string Tools = """
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
            """;
        var (status, json) = await PostAsync(http, $$"""
            {"model": "echo", {{Tools}}, "messages": [{"role": "user", "content": "get_weather {\"city\": \"Paris\"}"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status, json.ToString());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        var call = choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray().Single();
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using (var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        }

        var events = await StreamAsync(http, $$"""
            {"model": "echo", "stream": true, {{Tools}}, "messages": [{"role": "user", "content": "get_weather {\"city\": \"Oslo\"}"}]}
            """);
        var deltas = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        var streamedCall = deltas.Single(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _)).GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal(0, streamedCall.GetProperty("index").GetInt32());
        Assert.Equal("get_weather", streamedCall.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
    }

    [Test]
    public async Task KeysMapToAgentsWhosePermissionsAndBudgetsApply()
    {
        var http = await StartAsync();
        const string Body = """{"model": "echo", "messages": [{"role": "user", "content": "hi"}]}""";

        http.DefaultRequestHeaders.Authorization = null;
        await AssertError(http, Body, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-nobody");
        await AssertError(http, Body, HttpStatusCode.Unauthorized, "authentication_error", "invalid_api_key");

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bob");
        await AssertError(http, Body, HttpStatusCode.Forbidden, "permission_error", "permission_denied");
        // Streamed too: refused before it starts, so a real status rather than an error chunk.
        await AssertError(http, Body.Replace("{\"model\"", "{\"stream\": true, \"model\"", StringComparison.Ordinal), HttpStatusCode.Forbidden, "permission_error", "permission_denied");

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-carol");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, Body)).Status);
        }
        await AssertError(http, Body, HttpStatusCode.TooManyRequests, "insufficient_quota", "budget_exceeded");

        // The calls ran as the key's agent: the audit log names carol for the allowed ones and bob for the denial.
        var records = AuditLog.ReadFile(Kernel.AuditLogPath);
        Assert.True(records.Any(r => r.Agent == "bob" && r.Decision == AuditDecision.Denied));
    }

    [Test]
    public async Task BadRequestsGetOpenAiErrorsAndChangeNothing()
    {
        var http = await StartAsync();
        await AssertError(http, """{"model": "gpt-nothing", "messages": [{"role": "user", "content": "hi"}]}""", HttpStatusCode.NotFound, "not_found_error", "model_not_found");
        await AssertError(http, """{"messages": [{"role": "user", "content": "hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        await AssertError(http, """{"model": "echo", "messages": []}""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        await AssertError(http, """{"model": "echo", "messages": [{"role": "wizard", "content": "hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        await AssertError(http, """{"model": "echo", "n": 2, "messages": [{"role": "user", "content": "hi"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        await AssertError(http, """{"model": "echo", "messages": [{"role": "user", "content": 42}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        await AssertError(http, """{"model": "echo", "messages": [""", HttpStatusCode.BadRequest, "invalid_request_error", "invalid_request");
        Assert.Equal(0L, Kernel.Status.Queues["llm"].Admitted, "no bad request reached the LLM queue");
    }

    private static async Task AssertError(HttpClient http, string body, HttpStatusCode status, string type, string code)
    {
        var (actual, json) = await PostAsync(http, body);
        Assert.Equal(status, actual, json.ToString());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.True(error.GetProperty("message").GetString()!.Length > 10, "the message says what is wrong");
    }

    private static async Task<(HttpStatusCode Status, JsonDocument Json)> PostAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    // The `data:` payloads of a server-sent event stream, in order.
    private static async Task<List<string>> StreamAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : throw new InvalidOperationException($"not a data event: {e}"))];
    }
}
