using System.Text.Json;
using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;

namespace AgentOS.Tests.Llm;

/// <summary>
/// The OpenAI-compatible backend against a real server on 127.0.0.1 replaying the shapes of OpenAI's API reference
/// examples (chat completion, streamed chunks, tool calls, embeddings), and the failures: rate limits with both
/// Retry-After forms, server errors, cut streams, malformed JSON and silence past the timeout.
/// </summary>
public sealed class OpenAiBackendTests
{
    private static OpenAiBackend Backend(ScriptedHttpServer server, TimeProvider? time = null, TimeSpan? timeout = null) => new(new OpenAiBackendOptions
    {
        BaseUrl = server.Url + "v1",
        ApiKey = "sk-test",
        Models = ["gpt-4o-mini", "gpt-4o"],
        EmbeddingModel = "text-embedding-3-small",
        TimeProvider = time ?? TimeProvider.System,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    });

    private static readonly LlmQuery Hello = new()
    {
        Messages = [ChatMessage.System("You are a helpful assistant."), ChatMessage.User("Hello!")],
        MaxTokens = 50,
        Temperature = 0.2,
    };

    [Test]
    public async Task AWholeCompletionSendsTheDocumentedRequestAndReadsTheReferenceAnswer()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """
            {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb",
             "choices":[{"index":0,"message":{"role":"assistant","content":"\n\nHello there, how may I assist you today?"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}
            """));
        using var backend = Backend(server);
        var response = await backend.GenerateAsync(Hello);

        Assert.Equal("\n\nHello there, how may I assist you today?", response.Content);
        Assert.Equal(9, response.PromptTokens);
        Assert.Equal(12, response.CompletionTokens);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal("openai", response.Backend);

        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("POST", sent!.Method);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer sk-test", sent.Header("Authorization"));
        Assert.Equal("application/json", sent.Header("Content-Type"));
        var body = sent.Json;
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal("system", body.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Hello!", body.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(50, body.GetProperty("max_tokens").GetInt32());
        Assert.Near(0.2, body.GetProperty("temperature").GetDouble(), 1e-9);
        Assert.False(body.TryGetProperty("stream", out _), "a whole completion does not ask for a stream");
        Assert.False(body.TryGetProperty("tools", out _), "no tools offered, none sent");
    }

    [Test]
    public async Task AQueryNamingAServedModelRunsOnThatModel()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"""));
        using var backend = Backend(server);
        var response = await backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("hi")], Backend = "gpt-4o" });
        Assert.Equal("ok", response.Content);
        Assert.Equal(0, response.PromptTokens);
        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("gpt-4o", sent!.Json.GetProperty("model").GetString());
    }

    [Test]
    public async Task AStreamYieldsEachChunksDeltaAndEndsWithTheUsageChunk()
    {
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteAsync(": keep-alive comment\n\n");
            await x.WriteEventsAsync(
            [
                (null, """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"""),
                (null, """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}"""),
                (null, """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":null}]}"""),
                (null, """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""),
                (null, """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"""),
                (null, "[DONE]"),
            ]);
        });
        using var backend = Backend(server);
        var (deltas, final) = await Collect(backend.StreamAsync(Hello));

        Assert.SequenceEqual(["Hello", "!"], deltas);
        Assert.Equal("Hello!", final.Content);
        Assert.Equal(9, final.PromptTokens);
        Assert.Equal(2, final.CompletionTokens);
        Assert.Equal("stop", final.FinishReason);

        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("text/event-stream", sent!.Header("Accept"));
        Assert.True(sent.Json.GetProperty("stream").GetBoolean());
        Assert.True(sent.Json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Test]
    public async Task ToolsGoOutAsFunctionsAndTheirCallsComeBack()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """
            {"id":"chatcmpl-abc123","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function",
               "function":{"name":"get_current_weather","arguments":"{\n\"location\": \"Boston, MA\"\n}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}}
            """));
        using var backend = Backend(server);
        var response = await backend.GenerateAsync(WeatherQuery());

        var call = response.ToolCalls.Single();
        Assert.Equal("get_current_weather", call.Name);
        Assert.Equal("call_abc123", call.Id);
        Assert.Equal("Boston, MA", call.Arguments.GetProperty("location").GetString());
        Assert.Equal("tool_calls", response.FinishReason);
        Assert.Equal("", response.Content);

        Assert.True(server.Requests.TryDequeue(out var sent));
        var tool = sent!.Json.GetProperty("tools")[0];
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_current_weather", tool.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Get the current weather in a given location", tool.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("location").GetProperty("type").GetString());
    }

    [Test]
    public async Task StreamedToolCallFragmentsAreJoinedByIndex()
    {
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteEventsAsync(
            [
                (null, """{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_current_weather","arguments":""}}]},"finish_reason":null}]}"""),
                (null, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_current_weather","arguments":""}}]},"finish_reason":null}]}"""),
                (null, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\": \"Bos"}}]},"finish_reason":null}]}"""),
                (null, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"location\": \"Paris\"}"}}]},"finish_reason":null}]}"""),
                (null, """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ton, MA\"}"}}]},"finish_reason":null}]}"""),
                (null, """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"""),
                (null, "[DONE]"),
            ]);
        });
        using var backend = Backend(server);
        var (deltas, final) = await Collect(backend.StreamAsync(WeatherQuery()));

        Assert.Equal(0, deltas.Count);
        Assert.Equal(2, final.ToolCalls.Count);
        Assert.Equal("call_a", final.ToolCalls[0].Id);
        Assert.Equal("Boston, MA", final.ToolCalls[0].Arguments.GetProperty("location").GetString());
        Assert.Equal("Paris", final.ToolCalls[1].Arguments.GetProperty("location").GetString());
        Assert.Equal("tool_calls", final.FinishReason);
        Assert.Equal(0, final.CompletionTokens);
    }

    [Test]
    public async Task JsonOutputAsksForAJsonObjectAndAContinuationForVllmsContinueFinalMessage()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}]}"""));
        using var backend = Backend(server);
        await backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("a colour as JSON")], JsonOutput = true });
        Assert.True(server.Requests.TryDequeue(out var json));
        Assert.Equal("json_object", json!.Json.GetProperty("response_format").GetProperty("type").GetString());

        var partial = new LlmQuery { Messages = [ChatMessage.User("Tell a story"), ChatMessage.Assistant("Once upon a time")] };
        var refused = await Assert.ThrowsAsync<CapabilityNotSupportedException>(async () => await backend.GenerateAsync(partial));
        Assert.Contains("continue a partial assistant message", refused.Message);
        Assert.Equal(0, server.Requests.Count);

        using var vllm = new OpenAiBackend(new OpenAiBackendOptions { BaseUrl = server.Url + "v1", Models = ["m"], ContinueFinalMessage = true });
        Assert.True(vllm.Capabilities.Continuation);
        await vllm.GenerateAsync(partial);
        Assert.True(server.Requests.TryDequeue(out var continued));
        Assert.True(continued!.Json.GetProperty("continue_final_message").GetBoolean());
        Assert.False(continued.Json.GetProperty("add_generation_prompt").GetBoolean());
        Assert.Equal("assistant", continued.Json.GetProperty("messages")[1].GetProperty("role").GetString());
        Assert.Null(continued.Header("Authorization"));
    }

    [Test]
    public async Task AnAssistantsToolCallsAndTheToolsAnswerGoBackInTheConversation()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"It is sunny."},"finish_reason":"stop"}]}"""));
        using var backend = Backend(server);
        using var args = JsonDocument.Parse("""{"location":"Boston, MA"}""");
        var call = new ToolCall("get_current_weather", args.RootElement.Clone()) { Id = "call_abc123" };
        await backend.GenerateAsync(new LlmQuery
        {
            Messages = [ChatMessage.User("Weather in Boston?"), new ChatMessage("assistant", "") { ToolCalls = [call] }, new ChatMessage("tool", "sunny, 22 C") { ToolCallId = "call_abc123" }],
        });
        Assert.True(server.Requests.TryDequeue(out var sent));
        var messages = sent!.Json.GetProperty("messages");
        var function = messages[1].GetProperty("tool_calls")[0].GetProperty("function");
        Assert.Equal("get_current_weather", function.GetProperty("name").GetString());
        Assert.Equal("Boston, MA", JsonDocument.Parse(function.GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());
        Assert.Equal("call_abc123", messages[2].GetProperty("tool_call_id").GetString());
    }

    [Test]
    public async Task EmbeddingsSendTheModelAndInputsAndComeBackInInputOrder()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """
            {"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,-0.25]},{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
            """));
        using var backend = Backend(server);
        var embeddings = await backend.EmbedAsync(["The food was delicious and the waiter...", "Second"]);
        Assert.SequenceEqual([0.0023064255f, -0.009327292f], embeddings.Vectors[0]);
        Assert.SequenceEqual([0.5f, -0.25f], embeddings.Vectors[1]);
        Assert.Equal(8, embeddings.PromptTokens);
        Assert.Equal("text-embedding-3-small", embeddings.Model);

        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("/v1/embeddings", sent!.Path);
        Assert.Equal("text-embedding-3-small", sent.Json.GetProperty("model").GetString());
        Assert.Equal("float", sent.Json.GetProperty("encoding_format").GetString());
        Assert.Equal("Second", sent.Json.GetProperty("input")[1].GetString());
    }

    [Test]
    public async Task TheKeyAndBaseUrlComeFromTheEnvironmentWhenNotGiven()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"""));
        string variable = "AGENTOS_FAKE_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "sk-from-env");
        try
        {
            using var backend = new OpenAiBackend(new OpenAiBackendOptions { BaseUrl = server.Url + "v1", ApiKeyEnvironmentVariable = variable, Models = ["m"] });
            await backend.GenerateAsync(Hello);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        Assert.True(server.Requests.TryDequeue(out var sent));
        Assert.Equal("Bearer sk-from-env", sent!.Header("Authorization"));
        using var fallback = new OpenAiBackend(new OpenAiBackendOptions { Models = ["m"] });
        var expected = Environment.GetEnvironmentVariable("OPENAI_BASE_URL") is { Length: > 0 } env ? env.TrimEnd('/') : "https://api.openai.com/v1";
        Assert.Equal(expected + "/", fallback.BaseUri.AbsoluteUri);
    }

    // ---- failures ----

    [Test]
    public async Task A429WithRetryAfterSecondsIsRateLimitedWithThatRetryTime()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(429,
            """{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}""", "application/json", ("Retry-After", "7")));
        using var backend = Backend(server);
        var error = await Assert.ThrowsAsync<RateLimitedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("Rate limit reached for requests", error.Message);
    }

    [Test]
    public async Task ARetryAfterDateIsReadAgainstTheBackendsClockAndA503WithItIsARateLimitToo()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using var server = new ScriptedHttpServer((_, x) => x.RespondAsync(503, "overloaded", "text/plain", ("Retry-After", "Wed, 25 Nov 2026 12:00:30 GMT")));
        using var backend = Backend(server, time);
        var error = await Assert.ThrowsAsync<RateLimitedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Contains("overloaded", error.Message);
    }

    [Test]
    public async Task ServerErrorsAreBackendFailuresAndRefusedRequestsInvalid()
    {
        await using var server = new ScriptedHttpServer((request, x) => request.Json.GetProperty("max_tokens").GetInt32() == 1
            ? x.RespondAsync(400, """{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"invalid_request_error"}}""")
            : x.RespondAsync(500, """{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"""));
        using var backend = Backend(server);
        var failed = await Assert.ThrowsAsync<BackendFailedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Contains("500", failed.Message);
        Assert.Contains("The server had an error", failed.Message);
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(async () => await backend.GenerateAsync(new LlmQuery { Messages = [ChatMessage.User("x")], MaxTokens = 1 }));
        Assert.Contains("maximum context length", invalid.Message);
    }

    [Test]
    public async Task AStreamCutBeforeDoneIsAFailureNotAShortAnswer()
    {
        await using var server = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteEventsAsync([(null, """{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""")]);
            await x.WriteAsync("data: {\"choices\":[{\"index\":0,\"del"); // the connection closes here
        });
        using var backend = Backend(server);
        var pieces = new List<string>();
        var error = await Assert.ThrowsAsync<BackendFailedException>(async () =>
        {
            await foreach (var item in backend.StreamAsync(Hello))
            {
                pieces.Add(item.Delta ?? "(final)");
            }
        });
        Assert.SequenceEqual(["Hello"], pieces);
        // The half-written event is never complete (no blank line ends it), so it is dropped, not parsed.
        Assert.Contains("closed its stream before data: [DONE]", error.Message);

        await using var clean = new ScriptedHttpServer(async (_, x) =>
        {
            await x.BeginStreamAsync();
            await x.WriteEventsAsync([(null, """{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""")]);
        });
        using var cut = Backend(clean);
        var truncated = await Assert.ThrowsAsync<BackendFailedException>(async () => await Collect(cut.StreamAsync(Hello)));
        Assert.Contains("before data: [DONE]", truncated.Message);
    }

    [Test]
    public async Task MalformedJsonIsATypedFailure()
    {
        await using var server = new ScriptedHttpServer((request, x) => request.Path.EndsWith("embeddings", StringComparison.Ordinal)
            ? x.RespondAsync(200, """{"data":[{"index":5,"embedding":[1]}]}""")
            : x.RespondAsync(200, """{"choices":[{"index":0,"message":{"role":"assistant","content":"unterminated"""));
        using var backend = Backend(server);
        var error = await Assert.ThrowsAsync<BackendFailedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Contains("not valid JSON", error.Message);
        await Assert.ThrowsAsync<BackendFailedException>(() => backend.EmbedAsync(["a"]));
    }

    [Test]
    public async Task ASilentServerFailsWithADeadlineErrorAfterTheTimeoutBeforeOrDuringTheStream()
    {
        var time = new ManualTimeProvider();
        await using var server = new ScriptedHttpServer(async (request, x) =>
        {
            if (request.Json.TryGetProperty("stream", out _))
            {
                await x.BeginStreamAsync();
                await x.WriteEventsAsync([(null, """{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""")]);
            }
            await x.StallAsync();
        });
        using var backend = Backend(server, time, TimeSpan.FromSeconds(5));

        var whole = backend.GenerateAsync(Hello).AsTask();
        Assert.True(await server.Arrived.WaitAsync(TimeSpan.FromSeconds(10)), "the request arrived");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(whole.IsCompleted, "within the timeout it still waits");
        time.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => whole.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("sent nothing for 5 s", error.Message);

        await using var stream = backend.StreamAsync(Hello).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("Hello", stream.Current.Delta);
        var next = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<DeadlineExceededException>(() => next.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task AnUnreachableServerIsABackendFailure()
    {
        using var nothing = FreePort.Refusing();
        using var backend = new OpenAiBackend(new OpenAiBackendOptions { BaseUrl = $"http://127.0.0.1:{nothing.Port}/v1", Models = ["m"] });
        var error = await Assert.ThrowsAsync<BackendFailedException>(async () => await backend.GenerateAsync(Hello));
        Assert.Contains("could not be reached", error.Message);
    }

    [Test]
    public async Task TheCallersCancellationStopsAStalledCall()
    {
        await using var server = new ScriptedHttpServer((_, x) => x.StallAsync());
        using var backend = Backend(server);
        using var cancel = new CancellationTokenSource();
        var pending = backend.GenerateAsync(Hello, cancel.Token).AsTask();
        Assert.True(await server.Arrived.WaitAsync(TimeSpan.FromSeconds(10)));
        await cancel.CancelAsync();
        await Assert.ThrowsAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    internal static LlmQuery WeatherQuery()
    {
        using var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
             "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}
            """);
        return new LlmQuery
        {
            Messages = [ChatMessage.User("What's the weather like in Boston today?")],
            Tools = [new ToolSpec("get_current_weather", "Get the current weather in a given location", schema.RootElement.Clone())],
        };
    }

    internal static async Task<(List<string> Deltas, LlmResponse Final)> Collect(IAsyncEnumerable<LlmStreamItem> stream)
    {
        var deltas = new List<string>();
        LlmResponse? final = null;
        await foreach (var item in stream)
        {
            if (item.Final is { } whole)
            {
                final = whole;
            }
            else
            {
                deltas.Add(item.Delta!);
            }
        }
        return (deltas, final ?? throw new InvalidOperationException("the stream had no final item"));
    }
}
