using System.Collections.Concurrent;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Llm.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;
using AgentOS.Tools;

namespace AgentOS.Tests.Sdk;

/// <summary>
/// The SDK tool loop end to end: a kernel whose LLM backend is a scripted OpenAI-compatible server on 127.0.0.1 that
/// answers with native <c>tool_calls</c> (and one speaking Anthropic's format), real tools behind the access manager,
/// and the loop's limits. The scripted model decides each turn from the conversation it is sent.
/// </summary>
public sealed class ToolLoopTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-tool-loop");
    private readonly List<IAsyncDisposable> _owned = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
        _data.Dispose();
    }

    // Calls that reached the tools' code, by tool: a refused call must leave its tool untouched.
    private readonly ConcurrentDictionary<string, int> _ran = new();

    // Every approval the approver was asked for, by tool.
    private readonly ConcurrentQueue<string> _asked = new();

    // alice may call the arithmetic, the pair tool, mail.send and mail.delete (both irreversible: the approver approves
    // sending and refuses deleting), but not secret.read.
    private async Task<AgentKernel> StartAsync(ILlmBackend backend, TimeProvider? time = null)
    {
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("workers", g => g.AllowTools("math.add", "math.multiply", "pair.wait", "mail.send", "mail.delete").UseLlm("*"))
            .AddAgent("alice", "workers")
            .Build();
        var approver = new ManualApprover
        {
            Decide = request =>
            {
                _asked.Enqueue(request.Request.Target!);
                return new ApprovalResult(request.Request.Target == "mail.send", "test-operator", null);
            },
        };
        var options = new KernelOptions { DataDirectory = _data.Combine(Guid.NewGuid().ToString("N")), Access = policy, Approver = approver, LlmBackends = [backend], TimeProvider = time ?? TimeProvider.System };
        options.Tools.AddBuiltIns();
        // Two calls of pair.wait answer "together" only when both run at once: sequential calls would each wait alone.
        var bothStarted = new CountdownEvent(2);
        options.Tools.Register("pair.wait", "Waits for its twin call.", """{"type":"object","properties":{}}""", async (_, ct) =>
        {
            bothStarted.Signal();
            return await Task.Run(() => bothStarted.Wait(TimeSpan.FromSeconds(20), ct), ct) ? "together" : "alone";
        });
        options.Tools.Register("mail.send", "Sends mail.", """{"type":"object","properties":{}}""", (_, _) => Ran("mail.send", "sent"), irreversible: true);
        options.Tools.Register("mail.delete", "Deletes mail.", """{"type":"object","properties":{}}""", (_, _) => Ran("mail.delete", "deleted"), irreversible: true);
        options.Tools.Register("secret.read", "Reads the secret.", """{"type":"object","properties":{}}""", (_, _) => Ran("secret.read", "the secret"));
        var kernel = AgentKernel.Start(options);
        _owned.Add(kernel);
        return kernel;
    }

    private ValueTask<string> Ran(string tool, string output)
    {
        _ran.AddOrUpdate(tool, 1, (_, n) => n + 1);
        return ValueTask.FromResult(output);
    }

    // The same agent over the kernel's HTTP API, as a remote process would run it.
    private RemoteKernelPort RemotePort(AgentKernel kernel)
    {
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { ApiKeys = new Dictionary<string, string> { ["sk-alice"] = "alice" } });
        _owned.Add(server);
        var port = new RemoteKernelPort(server.Url, "sk-alice");
        _owned.Add(new Disposer(port.Dispose));
        return port;
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static IReadOnlyList<ToolSpec> Specs(AgentKernel kernel, params string[] names) =>
        [.. names.Select(n => kernel.Tools.Get(n).Spec)];

    private async Task<ScriptedHttpServer> ModelAsync(Func<JsonElement, int, string> turn)
    {
        int turns = 0;
        var server = new ScriptedHttpServer((request, exchange) => exchange.RespondAsync(200, turn(request.Json, Interlocked.Increment(ref turns))));
        _owned.Add(server);
        await Task.CompletedTask;
        return server;
    }

    private static OpenAiBackend OpenAi(ScriptedHttpServer server) =>
        new(new OpenAiBackendOptions { Name = "scripted", BaseUrl = server.Url + "v1", ApiKey = "sk-test", Models = ["gpt-test"] });

    // A chat completion answering with the given tool calls (name, raw arguments text), or with text when there are none.
    private static string Completion(string? content, params (string Id, string Name, string Arguments)[] calls) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        model = "gpt-test",
        choices = new[]
        {
            new
            {
                index = 0,
                message = calls.Length == 0
                    ? (object)new { role = "assistant", content }
                    : new { role = "assistant", content = (string?)null, tool_calls = calls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray() },
                finish_reason = calls.Length == 0 ? "stop" : "tool_calls",
            },
        },
        usage = new { prompt_tokens = 100, completion_tokens = 10, total_tokens = 110 },
    });

    [Test(TimeoutSeconds = 60)]
    public Task ParallelCallsRefusalsAndMalformedArgumentsAllReachTheModelAndTheLoopAnswers() => ParallelCallsAsync(remote: false);

    [Test(TimeoutSeconds = 60)]
    public Task OverTheRemotePortTheSameCallsAreCheckedApprovedAndAnsweredAlike() => ParallelCallsAsync(remote: true);

    private async Task ParallelCallsAsync(bool remote)
    {
        JsonElement second = default;
        var server = await ModelAsync((body, turn) =>
        {
            if (turn == 1)
            {
                return Completion(null,
                    ("c1", "math.add", """{"a": 2, "b": 3}"""),
                    ("c2", "math.multiply", """{"a": 4, "b": 5}"""),
                    ("c3", "math.add", """{"a": 2, "b": """),
                    ("c4", "secret.read", "{}"),
                    ("c5", "mail.delete", "{}"),
                    ("c6", "pair.wait", "{}"),
                    ("c7", "pair.wait", "{}"),
                    ("c8", "mail.send", "{}"));
            }
            second = body.Clone();
            return Completion("All done.");
        });
        var kernel = await StartAsync(OpenAi(server));
        var context = remote ? new AgentContext("alice", RemotePort(kernel)) : new AgentContext("alice", kernel.Port) { Events = kernel.Events };
        var loop = new ToolLoop(context, Specs(kernel, "math.add", "math.multiply", "secret.read", "mail.send", "mail.delete", "pair.wait"), new ToolLoopOptions { Instructions = "Use the tools." });

        var result = await loop.RunAsync("Compute things.");

        Assert.Equal(ToolLoopOutcome.Answered, result.Outcome);
        Assert.Equal("All done.", result.Answer);
        Assert.Equal(2, result.Steps.Count);
        var results = result.Steps[0].Results;
        Assert.SequenceEqual(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], results.Select(r => r.Id!));
        Assert.Equal("5", results[0].Output);
        Assert.Equal("20", results[1].Output);
        Assert.True(results[2].IsError);
        Assert.Contains("not a JSON object", results[2].Output);
        Assert.True(results[3].IsError);
        Assert.Contains("permission_denied", results[3].Output);
        Assert.True(results[4].IsError);
        Assert.Contains("Approval refused by test-operator", results[4].Output);
        Assert.SequenceEqual(["together", "together"], results.Skip(5).Take(2).Select(r => r.Output));
        Assert.Equal("sent", results[7].Output);
        Assert.False(results[7].IsError);
        // Only the irreversible calls were put to the approver, and the refused ones never reached their tools.
        Assert.SequenceEqual(["mail.delete", "mail.send"], _asked.Order(StringComparer.Ordinal));
        Assert.Equal(1, _ran.GetValueOrDefault("mail.send"));
        Assert.False(_ran.ContainsKey("mail.delete") || _ran.ContainsKey("secret.read"), "a refused call ran its tool");
        Assert.Equal(220, result.TotalTokens);

        // The model's second turn saw its own calls (the malformed arguments as it wrote them) and one tool message
        // answering each call, the refusals as errors.
        var messages = second.GetProperty("messages").EnumerateArray().ToList();
        Assert.SequenceEqual(["system", "user", "assistant", "tool", "tool", "tool", "tool", "tool", "tool", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()!));
        var planned = messages[2].GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal("""{"a": 2, "b": """, planned[2].GetProperty("function").GetProperty("arguments").GetString());
        Assert.False(messages[2].TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String, "an assistant turn that only called tools goes out with content null");
        Assert.SequenceEqual(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], messages.Skip(3).Select(m => m.GetProperty("tool_call_id").GetString()!));
        Assert.Equal("5", messages[3].GetProperty("content").GetString());
        Assert.True(messages[5].GetProperty("content").GetString()!.StartsWith("Error: ", StringComparison.Ordinal));
        Assert.Contains("secret.read", messages[6].GetProperty("content").GetString()!);
        Assert.Equal(2, server.Requests.Count);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ALoopThatWouldNeverEndStopsAtItsStepLimitWithoutRunningTheLastPlan()
    {
        var server = await ModelAsync((_, turn) => Completion(null, ($"c{turn}", "math.add", """{"a": 1, "b": 1}""")));
        var kernel = await StartAsync(OpenAi(server));
        var events = new ConcurrentQueue<ToolLoopEvent>();
        await using var subscription = kernel.Events.Subscribe<ToolLoopEvent>(events.Enqueue);
        var context = new AgentContext("alice", kernel.Port) { Events = kernel.Events };
        var steps = new List<ToolLoopStep>();
        await foreach (var step in new ToolLoop(context, Specs(kernel, "math.add"), new ToolLoopOptions { MaxSteps = 4 }).StreamAsync("Add forever."))
        {
            steps.Add(step);
        }

        Assert.SequenceEqual([1, 2, 3, 4], steps.Select(s => s.Number));
        Assert.Equal(ToolLoopOutcome.StepLimit, steps[^1].Outcome);
        Assert.SequenceEqual([1, 1, 1, 0], steps.Select(s => s.Results.Count));
        Assert.Equal(4, server.Requests.Count);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); events.Count < 4 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
        }
        Assert.SequenceEqual([1, 2, 3, 4], events.Select(e => e.Step));
        Assert.SequenceEqual(new ToolLoopOutcome?[] { null, null, null, ToolLoopOutcome.StepLimit }, events.Select(e => e.Outcome));
        Assert.True(events.All(e => e.AgentId == "alice" && e.LoopId == events.First().LoopId));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheTokenLimitStopsTheLoopOnceTheTurnsHaveUsedIt()
    {
        var server = await ModelAsync((_, turn) => Completion(null, ($"c{turn}", "math.add", """{"a": 1, "b": 1}""")));
        var kernel = await StartAsync(OpenAi(server));
        var result = await new ToolLoop(new AgentContext("alice", kernel.Port), Specs(kernel, "math.add"), new ToolLoopOptions { MaxTotalTokens = 250 }).RunAsync("Add.");
        Assert.Equal(ToolLoopOutcome.TokenLimit, result.Outcome);
        Assert.Equal(3, result.Steps.Count);
        Assert.Equal(330, result.TotalTokens);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheTimeLimitOnTheKernelsClockCancelsTheTurnInFlight()
    {
        var time = new ManualTimeProvider();
        int turns = 0;
        var server = new ScriptedHttpServer((_, exchange) => Interlocked.Increment(ref turns) == 1
            ? exchange.RespondAsync(200, Completion(null, ("c1", "math.add", """{"a": 1, "b": 2}""")))
            : exchange.StallAsync());
        _owned.Add(server);
        var kernel = await StartAsync(OpenAi(server), time);
        var loop = new ToolLoop(new AgentContext("alice", kernel.Port), Specs(kernel, "math.add"), new ToolLoopOptions { TimeLimit = TimeSpan.FromMinutes(1), Time = time });
        var running = loop.RunAsync("Add slowly.");
        await server.Arrived.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(await server.Arrived.WaitAsync(TimeSpan.FromSeconds(20)), "the second turn reached the model");
        time.Advance(TimeSpan.FromMinutes(2));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(ToolLoopOutcome.TimeLimit, result.Outcome);
        Assert.Equal(2, result.Steps.Count);
        Assert.Null(result.Steps[^1].Plan);
        Assert.Equal("3", result.Steps[0].Results[0].Output);
    }

    // The echo backend plans deterministically: a call of the tool the message names, then, with the result back, an
    // answer. Before it read tool results it planned the same call again at every turn, to the step limit.
    [Test(TimeoutSeconds = 60)]
    public async Task TheEchoPlannerEndsTheLoopInProcessAndOverTheRemotePort()
    {
        var kernel = await StartAsync(new EchoLlmBackend());
        var specs = Specs(kernel, "math.add", "math.multiply");
        var local = await new ToolLoop(new AgentContext("alice", kernel.Port), specs).RunAsync("""math.multiply {"a": 6, "b": 7}""");
        Assert.Equal(ToolLoopOutcome.Answered, local.Outcome);
        Assert.Equal("42", local.Answer);
        Assert.Equal(2, local.Steps.Count);

        var remote = await new ToolLoop(new AgentContext("alice", RemotePort(kernel)), specs).RunAsync("""math.multiply {"a": 6, "b": 7}""");
        Assert.Equal(ToolLoopOutcome.Answered, remote.Outcome);
        Assert.Equal(local.Answer, remote.Answer);
        Assert.SequenceEqual(local.Messages.Select(m => $"{m.Role}:{m.Content}"), remote.Messages.Select(m => $"{m.Role}:{m.Content}"));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AnAnthropicModelsToolUseBlocksRunAndTheirResultsGoBackAsToolResultBlocks()
    {
        JsonElement second = default;
        int turns = 0;
        // The kernel streams from a backend that can continue a partial answer (so it can switch contexts), so the
        // scripted Claude answers with Messages API events.
        var server = new ScriptedHttpServer(async (request, exchange) =>
        {
            await exchange.BeginStreamAsync();
            if (Interlocked.Increment(ref turns) == 1)
            {
                await exchange.WriteEventsAsync(
                [
                    ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"usage":{"input_tokens":50,"output_tokens":1}}}"""),
                    ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                    ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me add."}}"""),
                    ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                    ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"math.add","input":{}}}"""),
                    ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":2,"}}"""),
                    ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"b\":2}"}}"""),
                    ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
                    ("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"secret.read","input":{}}}"""),
                    ("content_block_stop", """{"type":"content_block_stop","index":2}"""),
                    ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":5}}"""),
                    ("message_stop", """{"type":"message_stop"}"""),
                ]);
                return;
            }
            second = request.Json.Clone();
            await exchange.WriteEventsAsync(
            [
                ("message_start", """{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","content":[],"model":"claude-test","stop_reason":null,"usage":{"input_tokens":80,"output_tokens":1}}}"""),
                ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
                ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"It is 4."}}"""),
                ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
                ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"""),
                ("message_stop", """{"type":"message_stop"}"""),
            ]);
        });
        _owned.Add(server);
        var kernel = await StartAsync(new AnthropicBackend(new AnthropicBackendOptions { Name = "claude", BaseUrl = server.Url, ApiKey = "k", Models = ["claude-test"] }));
        var result = await new ToolLoop(new AgentContext("alice", kernel.Port), Specs(kernel, "math.add", "secret.read")).RunAsync("What is 2+2?");

        Assert.Equal(ToolLoopOutcome.Answered, result.Outcome);
        Assert.Equal("It is 4.", result.Answer);
        var messages = second.GetProperty("messages").EnumerateArray().ToList();
        Assert.SequenceEqual(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()!));
        Assert.SequenceEqual(["text", "tool_use", "tool_use"], messages[1].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()!));
        var answers = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.SequenceEqual(["toolu_1", "toolu_2"], answers.Select(b => b.GetProperty("tool_use_id").GetString()!));
        Assert.Equal("4", answers[0].GetProperty("content").GetString());
        Assert.Contains("permission_denied", answers[1].GetProperty("content").GetString()!);
    }
}
