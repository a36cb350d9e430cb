using System.Net;
using System.Text.Json;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// POST /v1/responses, OpenAI's Responses API, over real HTTP: function tools (a call planned, then answered from the
/// function_call_output items sent back), the whole response and its streamed events, the token limit, the agent's
/// permissions and budgets, and the requests it cannot serve, refused with a clear error.
/// </summary>
public sealed class OpenAiResponsesTests : OpenAiSurfaceFixture
{
    private const string WeatherTool = """{"type": "function", "name": "get_weather", "description": "The weather in a city.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}""";

    [Test]
    public async Task AFunctionToolIsCalledAndItsOutputSentBackIsTheAnswer()
    {
        await StartAsync();
        var planned = await OkAsync("v1/responses", $$"""
            {"model": "echo", "instructions": "Use tools.", "input": "What is the weather? get_weather {\"city\": \"Paris\"}", "tools": [{{WeatherTool}}]}
            """);
        Assert.Equal("response", planned.GetProperty("object").GetString());
        Assert.Equal("completed", planned.GetProperty("status").GetString());
        Assert.True(planned.GetProperty("id").GetString()!.StartsWith("resp_", StringComparison.Ordinal));
        var call = planned.GetProperty("output").EnumerateArray().Single();
        Assert.Equal("function_call", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        string callId = call.GetProperty("call_id").GetString()!;
        Assert.True(planned.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);

        // The client ran the tool and sends the conversation back, as the Agents SDK does: its own items, the call and
        // the call's output.
        var answered = await OkAsync("v1/responses", $$"""
            {"model": "echo", "tools": [{{WeatherTool}}], "input": [
              {"role": "user", "content": [{"type": "input_text", "text": "What is the weather? get_weather {\"city\": \"Paris\"}"}]},
              {"type": "function_call", "id": "{{call.GetProperty("id").GetString()}}", "call_id": "{{callId}}", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}", "status": "completed"},
              {"type": "function_call_output", "call_id": "{{callId}}", "output": "Sunny in Paris"}]}
            """);
        var message = answered.GetProperty("output").EnumerateArray().Single();
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        var part = message.GetProperty("content").EnumerateArray().Single();
        Assert.Equal("output_text", part.GetProperty("type").GetString());
        Assert.Equal("Sunny in Paris", part.GetProperty("text").GetString());
    }

    [Test]
    public async Task AStreamedAnswerComesAsTheResponsesEventTypesInOrder()
    {
        await StartAsync();
        var events = await StreamAsync("v1/responses", """{"model": "echo", "stream": true, "input": "one two three"}""");
        Assert.SequenceEqual(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Name));
        Assert.SequenceEqual(events.Select(e => e.Name), events.Select(e => e.Data.GetProperty("type").GetString()!));
        Assert.SequenceEqual(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal("one two three", string.Concat(events.Where(e => e.Name == "response.output_text.delta").Select(e => e.Data.GetProperty("delta").GetString())));
        var created = events[0].Data.GetProperty("response");
        Assert.Equal("in_progress", created.GetProperty("status").GetString());
        var done = events[^1].Data.GetProperty("response");
        Assert.Equal(created.GetProperty("id").GetString(), done.GetProperty("id").GetString());
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var item = done.GetProperty("output").EnumerateArray().Single();
        Assert.Equal(events[2].Data.GetProperty("item").GetProperty("id").GetString(), item.GetProperty("id").GetString());
        Assert.Equal("one two three", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(3, done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Test]
    public async Task AStreamedFunctionCallIsAnItemWithItsArguments()
    {
        await StartAsync();
        var events = await StreamAsync("v1/responses", $$"""{"model": "echo", "stream": true, "input": "get_weather {\"city\": \"Oslo\"}", "tools": [{{WeatherTool}}]}""");
        Assert.SequenceEqual(
            ["response.created", "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
             "response.function_call_arguments.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Name));
        Assert.Equal("function_call", events[2].Data.GetProperty("item").GetProperty("type").GetString());
        string arguments = events[4].Data.GetProperty("arguments").GetString()!;
        Assert.Equal("Oslo", JsonDocument.Parse(arguments).RootElement.GetProperty("city").GetString());
        var call = events[^1].Data.GetProperty("response").GetProperty("output").EnumerateArray().Single();
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal(arguments, call.GetProperty("arguments").GetString());
    }

    [Test]
    public async Task AnAnswerCutByTheTokenLimitIsIncomplete()
    {
        await StartAsync();
        var whole = await OkAsync("v1/responses", """{"model": "echo", "input": "one two three four", "max_output_tokens": 2}""");
        Assert.Equal("incomplete", whole.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", whole.GetProperty("incomplete_details").GetProperty("reason").GetString());
        var events = await StreamAsync("v1/responses", """{"model": "echo", "stream": true, "input": "one two three four", "max_output_tokens": 2}""");
        Assert.Equal("response.incomplete", events[^1].Name);
    }

    [Test]
    public async Task PermissionsBudgetsAndUnsupportedRequestsAreRefusedInOpenAisErrorShape()
    {
        await StartAsync();
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi", "previous_response_id": "resp_1"}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": [{"type": "item_reference", "id": "x"}]}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi", "tools": [{"type": "web_search"}]}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "x"}]}]}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": []}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync("v1/responses", """{"model": "gpt-nothing", "input": "hi"}""", HttpStatusCode.NotFound, "model_not_found");
        As("sk-bob");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi"}""", HttpStatusCode.Forbidden, "permission_denied");
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi", "stream": true}""", HttpStatusCode.Forbidden, "permission_denied");
        As("sk-carol");
        for (int i = 0; i < 3; i++)
        {
            await OkAsync("v1/responses", """{"model": "echo", "input": "hi"}""");
        }
        await AssertErrorAsync("v1/responses", """{"model": "echo", "input": "hi"}""", HttpStatusCode.TooManyRequests, "budget_exceeded");
    }
}
