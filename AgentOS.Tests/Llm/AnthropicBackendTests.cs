using System.Text.Json;
using AgentOS.Llm.Http;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Llm;

/// <summary>
/// The Anthropic backend against a real server on 127.0.0.1 replaying the shapes of the Messages API reference
/// (a message, the streaming event sequence, tool use with input_json_delta), prefill, and the failures.
/// </summary>
public sealed class AnthropicBackendTests
{
    private static AnthropicBackend Backend(ScriptedHttpServer server) => new(new AnthropicBackendOptions
    {
        BaseUrl = server.Url,
        ApiKey = "sk-ant-test",
        Models = ["claude-sonnet-4-5", "claude-haiku-4-5"],
    });

    private static readonly LlmQuery Hello = new()
    {
        Messages = [ChatMessage.System("Be brief."), ChatMessage.User("Hello, Claude"), ChatMessage.System("Answer in English.")],
        MaxTokens = 1024,
    };

    [Test]
    public async Task AMessageSendsTheDocumentedRequestAndReadsTheReferenceAnswer()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """
            {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"text","text":"Hi! My name is Claude."}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":2095,"output_tokens":503}}
            """));
        using var backend = Backend(server);
        var response = await backend.GenerateAsync(Hello);
        Assert.Equal("Hi! My name is Claude.", response.Content);
        Assert.Equal(2095, response.PromptTokens);
        Assert.Equal(503, response.CompletionTokens);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal("anthropic", response.Backend);

        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("POST", sent!.Method);
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal("sk-ant-test", sent.Header("x-api-key"));
        Assert.Equal("2023-06-01", sent.Header("anthropic-version"));
        Assert.Null(sent.Header("Authorization"));
        var body = sent.Json;
        Assert.Equal("claude-sonnet-4-5", body.GetProperty("model").GetString());
        Assert.Equal(1024, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("Be brief.\n\nAnswer in English.", body.GetProperty("system").GetString());
        Assert.Equal(1, body.GetProperty("messages").GetArrayLength());
        var user = body.GetProperty("messages")[0];
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.Equal("Hello, Claude", user.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Test]
    public async Task TheStreamingEventSequenceYieldsTextAndUsage()
    {
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteEventsAsync(
            [
                ("message_start", """{"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}"""),
                ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                ("ping", """{"type": "ping"}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"""),
                ("message_stop", """{"type":"message_stop"}"""),
            ]);
        });
        using var backend = Backend(server);
        var (deltas, final) = await OpenAiBackendTests.Collect(backend.StreamAsync(Hello));
        Assert.SequenceEqual(["Hello", "!"], deltas);
        Assert.Equal("Hello!", final.Content);
        Assert.Equal(25, final.PromptTokens);
        Assert.Equal(15, final.CompletionTokens);
        Assert.Equal("stop", final.FinishReason);
        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.True(sent!.Json.GetProperty("stream").GetBoolean());
    }

    [Test]
    public async Task ToolUseStreamsItsInputAsJsonPiecesAfterText()
    {
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteEventsAsync(
            [
                ("message_start", """{"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}"""),
                ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check the weather for San Francisco, CA:"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\":"}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"San Francisc"}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"o, CA\"}"}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
                ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"""),
                ("message_stop", """{"type":"message_stop"}"""),
            ]);
        });
        using var backend = Backend(server);
        var query = OpenAiBackendTests.WeatherQuery();
        var (deltas, final) = await OpenAiBackendTests.Collect(backend.StreamAsync(query));
        Assert.SequenceEqual(["Okay, let's check the weather for San Francisco, CA:"], deltas);
        var call = final.ToolCalls.Single();
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("toolu_01T1x1fJ34qAmk2tNTrN7Up6", call.Id);
        Assert.Equal("San Francisco, CA", call.Arguments.GetProperty("location").GetString());
        Assert.Equal("tool_calls", final.FinishReason);
        Assert.Equal(89, final.CompletionTokens);

        Assert.True(server.Requests.TryDequeue(out var sent));
        var tool = sent!.Json.GetProperty("tools")[0];
        Assert.Equal("get_current_weather", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Test]
    public async Task ToolCallsAndResultsTravelAsBlocksAndAPrefillIsContinued()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """
            {"id":"msg_2","type":"message","role":"assistant","content":[{"type":"text","text":" and mild."}],"stop_reason":"max_tokens","usage":{"input_tokens":40,"output_tokens":3}}
            """));
        using var backend = Backend(server);
        using var args = JsonDocument.Parse("""{"location":"Paris"}""");
        var response = await backend.GenerateAsync(new LlmQuery
        {
            Messages =
            [
                ChatMessage.User("Weather in Paris?"),
                new ChatMessage("assistant", "Checking.") { ToolCalls = [new ToolCall("get_weather", args.RootElement.Clone()) { Id = "toolu_1" }] },
                new ChatMessage("tool", "sunny, 22 C") { ToolCallId = "toolu_1" },
                ChatMessage.User("Summarize."),
                ChatMessage.Assistant("It is sunny "),
            ],
            Backend = "claude-haiku-4-5",
        });
        Assert.Equal(" and mild.", response.Content);
        Assert.Equal("length", response.FinishReason);

        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("claude-haiku-4-5", sent!.Json.GetProperty("model").GetString());
        var messages = sent.Json.GetProperty("messages");
        Assert.Equal(4, messages.GetArrayLength());
        var plan = messages[1].GetProperty("content");
        Assert.Equal("tool_use", plan[1].GetProperty("type").GetString());
        Assert.Equal("Paris", plan[1].GetProperty("input").GetProperty("location").GetString());
        // The tool's result and the next user message are one user turn.
        var results = messages[2].GetProperty("content");
        Assert.Equal("tool_result", results[0].GetProperty("type").GetString());
        Assert.Equal("toolu_1", results[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("Summarize.", results[1].GetProperty("text").GetString());
        // The prefill goes last, without its trailing space (the API refuses one).
        Assert.Equal("assistant", messages[3].GetProperty("role").GetString());
        Assert.Equal("It is sunny", messages[3].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Test]
    public async Task JsonOutputIsAPrefilledBraceThatTheAnswerKeeps()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"content":[{"type":"text","text":"\"colour\": \"red\"}"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":6}}"""));
        using var backend = Backend(server);
        var response = await backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("A colour as JSON")], JsonOutput = true });
        Assert.Equal("red", JsonDocument.Parse(response.Content).RootElement.GetProperty("colour").GetString());
        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("{", sent!.Json.GetProperty("messages")[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Test]
    public async Task FailuresAreTyped()
    {
        int calls = 0;
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    await x.RespondAsync(429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""", "application/json", ("retry-after", "12"));
                    break;
                case 2:
                    await x.RespondAsync(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
                    break;
                case 3:
                    await x.BeginStreamAsync();
                    await x.WriteEventsAsync(
                    [
                        ("message_start", """{"type":"message_start","message":{"id":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}"""),
                        ("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""),
                    ]);
                    break;
                default:
                    await x.BeginStreamAsync();
                    await x.WriteEventsAsync(
                    [
                        ("message_start", """{"type":"message_start","message":{"id":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}"""),
                        ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"""),
                    ]);
                    break;
            }
        });
        using var backend = Backend(server);
        var limited = await Assert.ThrowsAsync<RateLimitedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Equal(TimeSpan.FromSeconds(12), limited.RetryAfter);
        var overloaded = await Assert.ThrowsAsync<BackendFailedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Contains("Overloaded", overloaded.Message);
        var midStream = await Assert.ThrowsAsync<BackendFailedException>(() => OpenAiBackendTests.Collect(backend.StreamAsync(Hello)));
        Assert.Contains("overloaded_error in the middle of its stream", midStream.Message);
        var cut = await Assert.ThrowsAsync<BackendFailedException>(() => OpenAiBackendTests.Collect(backend.StreamAsync(Hello)));
        Assert.Contains("before message_stop", cut.Message);
    }
}
