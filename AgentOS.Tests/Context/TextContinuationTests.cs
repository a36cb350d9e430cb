using System.Text.Json;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Context;

/// <summary>
/// The context switch on HTTP backends: the Anthropic backend declares continuation (assistant prefill), so a generation
/// preempted mid-stream keeps its partial text as the snapshot and is continued from it later; the user still gets one
/// coherent answer. A backend without continuation runs a started request to completion.
/// </summary>
public sealed class TextContinuationTests
{
    // A scripted model on a real 127.0.0.1 server: the answer to a prompt is a fixed sequence of words, streamed one
    // word per event; a trailing assistant message is continued from where it stops, as Anthropic's prefill does.
    private static string FullAnswer(string prompt) =>
        string.Join(' ', Enumerable.Range(0, 24).Select(i => $"{prompt.Split(' ')[0].ToLowerInvariant()}{i}"));

    private static async Task Serve(RecordedRequest request, HttpExchange exchange)
    {
        var messages = request.Json.GetProperty("messages").EnumerateArray().ToList();
        static string Text(JsonElement message) => message.GetProperty("content") is { ValueKind: JsonValueKind.String } s ? s.GetString()! :
            string.Concat(message.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        var user = messages.Last(m => m.GetProperty("role").GetString() == "user");
        string full = FullAnswer(Text(user));
        string already = messages[^1].GetProperty("role").GetString() == "assistant" ? Text(messages[^1]) : "";
        if (!full.StartsWith(already, StringComparison.Ordinal))
        {
            await exchange.RespondAsync(400, """{"type":"error","error":{"type":"invalid_request_error","message":"prefill is not a prefix of the answer"}}""");
            return;
        }
        var rest = full[already.Length..];
        var pieces = rest.Split(' ').Select((w, i) => i == 0 ? w : " " + w).Where(p => p.Length > 0).ToList();
        await exchange.BeginStreamAsync();
        var events = new List<(string?, string)>
        {
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"story","stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        };
        events.AddRange(pieces.Select(p => ((string?)"content_block_delta", JsonSerializer.Serialize(new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = p } }))));
        events.Add(("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        events.Add(("message_delta", JsonSerializer.Serialize(new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = pieces.Count } })));
        events.Add(("message_stop", """{"type":"message_stop"}"""));
        await exchange.WriteEventsAsync(events);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AnAnthropicStreamPreemptedMidwayIsContinuedFromItsPartialText()
    {
        await using var server = new ScriptedHttpServer(Serve);
        var backend = new AnthropicBackend(new AnthropicBackendOptions { BaseUrl = server.Url, ApiKey = "sk-ant-test", Models = ["story"], Slots = 1 });
        Assert.True(backend.Capabilities.Continuation, "the Anthropic backend declares continuation");
        using var temp = new TempDirectory("agentos-text-switch");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], LlmPolicy = "rr", LlmServiceQuantum = 5 });
        string[] prompts = ["Dragons fly", "Ships sail", "Owls hoot"];
        var results = await Task.WhenAll(prompts.Select(async (prompt, i) =>
        {
            kernel.RegisterIdentity($"writer-{i}");
            var context = new AgentContext($"writer-{i}", kernel.Port);
            var whole = await context.Planning.QueryAsync(new LlmQuery { Messages = [ChatMessage.User(prompt)] });
            var pieces = new List<string>();
            await foreach (var piece in context.Planning.StreamAsync(prompt))
            {
                pieces.Add(piece);
            }
            return (whole, streamed: string.Concat(pieces));
        }));
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(FullAnswer(prompts[i]), results[i].whole.Content, prompts[i]);
            Assert.Equal(24, results[i].whole.CompletionTokens, prompts[i]);
            Assert.Equal(FullAnswer(prompts[i]), results[i].streamed, prompts[i]);
        }
        Assert.True(kernel.Status.Queues["llm"].Preemptions >= 6, $"{kernel.Status.Queues["llm"].Preemptions} preemptions");
        int continued = server.Requests.Count(r => r.Json.GetProperty("messages").EnumerateArray().Last().GetProperty("role").GetString() == "assistant");
        Assert.True(continued >= 6, $"{continued} requests continued a partial answer");
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ABackendWithoutContinuationRunsAStartedRequestToCompletion()
    {
        var backend = new EchoLlmBackend();
        Assert.False(backend.Capabilities.Continuation, "the echo backend cannot continue a partial answer");
        using var temp = new TempDirectory("agentos-text-noswitch");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, LlmBackends = [backend], LlmPolicy = "rr", LlmServiceQuantum = 1 });
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            kernel.RegisterIdentity($"echo-{i}");
            var context = new AgentContext($"echo-{i}", kernel.Port);
            var pieces = new List<string>();
            await foreach (var piece in context.Planning.StreamAsync($"one two three four five six {i}"))
            {
                pieces.Add(piece);
            }
            return string.Concat(pieces);
        }));
        for (int i = 0; i < answers.Length; i++)
        {
            Assert.Contains($"one two three four five six {i}", answers[i]);
        }
        Assert.Equal(0L, kernel.Status.Queues["llm"].Preemptions);
    }
}
