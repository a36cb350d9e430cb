using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Mcp;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// The sampling backend chooses by agent: an agent's generation is answered by a client of the identity it runs as
/// (or the one <c>mcp.sampling_agents</c> names), never by another agent's more recent client; its capabilities follow
/// the sessions (tool calls while a client offers <c>sampling.tools</c>); and the tool loop runs on it end to end — the
/// client's model plans the tool call, the kernel runs it, its result goes back as a <c>tool_result</c>.
/// </summary>
public sealed class McpSamplingByAgentTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task EachAgentIsServedByItsOwnClient()
    {
        using var temp = new TempDirectory("agentos-mcp-sampling-agents");
        var options = new KernelOptions { DataDirectory = temp.Path, Mcp = new McpOptions { SamplingAgents = new Dictionary<string, string> { ["looper"] = "alice" } } };
        var sampling = new McpSamplingBackend(options.Mcp);
        options.Tools.AddBuiltIns(options.TimeProvider);
        await using var kernel = AgentKernel.Start(options with { LlmBackends = [new EchoLlmBackend(), sampling] });
        foreach (var agent in new[] { "alice", "bob", "carol", "looper" })
        {
            kernel.RegisterIdentity(agent);
        }
        var server = new McpServer(kernel);
        sampling.Server = server;
        var alice = await ScriptedModel.ConnectAsync(server, new Principal("alice"), "alice", "from alice's model");
        // An administrator's client acting as bob, opened last: the old choice (most recent session) took it for all.
        var bob = await ScriptedModel.ConnectAsync(server, new Principal(Principal.AdminName, IsAdmin: true), "bob", "from bob's model");

        Assert.Equal("from alice's model", (await AskAsync(kernel, "alice")).Content);
        Assert.Equal("from bob's model", (await AskAsync(kernel, "bob")).Content);
        Assert.Equal("from alice's model", (await AskAsync(kernel, "looper")).Content, "mcp.sampling_agents maps looper to alice");
        var none = await Assert.ThrowsAsync<BackendFailedException>(async () => await AskAsync(kernel, "carol"));
        Assert.Contains("agent 'carol'", none.Message);
        Assert.Equal(2, alice.Asked.Count);
        Assert.Equal(1, bob.Asked.Count);

        // Capabilities follow the sessions: neither client offered tools in sampling.
        Assert.False(sampling.Capabilities.ToolCalls);
        var tools = new LlmQuery { Messages = [ChatMessage.User("multiply")], Backend = McpSamplingBackend.DefaultName, Tools = kernel.ToolsFor("alice") };
        await Assert.ThrowsAsync<CapabilityNotSupportedException>(async () => await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = tools }));
        var planner = await ScriptedModel.ConnectAsync(server, new Principal("carol"), "carol", "", offersTools: true);
        Assert.True(sampling.Capabilities.ToolCalls, "a client offering sampling.tools makes the backend plan tool calls");
        await Assert.ThrowsAsync<CapabilityNotSupportedException>(async () => await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = tools }));
        await planner.Session.DisposeAsync();
        Assert.False(sampling.Capabilities.ToolCalls, "gone with its session");
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TheToolLoopRunsOnAClientsModel()
    {
        using var temp = new TempDirectory("agentos-mcp-sampling-loop");
        var sampling = new McpSamplingBackend();
        var options = new KernelOptions { DataDirectory = temp.Path };
        options.Tools.AddBuiltIns(options.TimeProvider);
        await using var kernel = AgentKernel.Start(options with { LlmBackends = [new EchoLlmBackend(), sampling] });
        kernel.RegisterIdentity("alice");
        var server = new McpServer(kernel);
        sampling.Server = server;
        var model = await ScriptedModel.ConnectAsync(server, new Principal("alice"), "alice", "", offersTools: true);

        var tools = kernel.ToolsFor("alice").Where(t => t.Name == "math.multiply").ToList();
        var loop = new ToolLoop(new AgentContext("alice", kernel.Port), tools, new ToolLoopOptions { Backend = McpSamplingBackend.DefaultName, Instructions = "Use the tools." });
        var result = await loop.RunAsync("What is 6 times 7?");

        Assert.Equal(ToolLoopOutcome.Answered, result.Outcome);
        Assert.Equal("6 times 7 is 42", result.Answer);
        Assert.Equal(2, result.Steps.Count);
        Assert.Equal("42", result.Steps[0].Results.Single().Output);
        var first = model.Asked[0];
        Assert.Equal("Use the tools.", first.GetProperty("systemPrompt").GetString());
        Assert.Equal("math.multiply", first.GetProperty("tools")[0].GetProperty("name").GetString());
        // The second question carries the model's tool use and, alone in the next user turn, its result.
        var messages = model.Asked[1].GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var use = messages[1].GetProperty("content");
        Assert.Equal("tool_use", use.GetProperty("type").GetString());
        Assert.Equal("tu-1", use.GetProperty("id").GetString());
        var answer = messages[2];
        Assert.Equal("user", answer.GetProperty("role").GetString());
        Assert.Equal("tool_result", answer.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("tu-1", answer.GetProperty("content").GetProperty("toolUseId").GetString());
        Assert.Equal("42", answer.GetProperty("content").GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static async Task<LlmResponse> AskAsync(AgentKernel kernel, string agent) =>
        (await kernel.Port.SubmitAsync(new SyscallRequest { AgentId = agent, Llm = new LlmQuery { Messages = [ChatMessage.User("hello")], Backend = McpSamplingBackend.DefaultName } })).Llm!;

    /// <summary>An MCP client in-process whose "model" answers sampling with a fixed text, or — offering tools — plans
    /// math.multiply(6, 7) and then answers with the tool's result.</summary>
    private sealed class ScriptedModel : IMcpSink
    {
        private string _reply = "";

        public McpSession Session { get; private set; } = null!;

        public List<JsonElement> Asked { get; } = [];

        public static async Task<ScriptedModel> ConnectAsync(McpServer server, Principal principal, string agent, string reply, bool offersTools = false)
        {
            var model = new ScriptedModel { _reply = reply };
            model.Session = server.Open(principal, agent, model);
            string capabilities = offersTools ? """{"sampling":{"tools":{}}}""" : """{"sampling":{}}""";
            var init = new JsonRpcRequest(JsonRpcId.FromNumber(1), "initialize", JsonElement.Parse("{\"protocolVersion\":\"2025-11-25\",\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}"));
            await model.Session.HandleAsync(init, model);
            return model;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var root = JsonDocument.Parse(message).RootElement;
            if (root.TryGetProperty("method", out var method) && method.GetString() == "sampling/createMessage")
            {
                var asked = root.GetProperty("params");
                lock (Asked)
                {
                    Asked.Add(asked);
                }
                var id = JsonRpcId.FromElement(root.GetProperty("id"));
                var answer = JsonElement.Parse(Reply(asked));
                _ = Task.Run(async () => await Session.HandleAsync(new JsonRpcResponse(id, answer), this), CancellationToken.None);
            }
            return ValueTask.CompletedTask;
        }

        private string Reply(JsonElement asked)
        {
            if (!asked.TryGetProperty("tools", out _))
            {
                return "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"" + _reply + "\"},\"model\":\"scripted\",\"stopReason\":\"endTurn\"}";
            }
            var last = asked.GetProperty("messages")[asked.GetProperty("messages").GetArrayLength() - 1].GetProperty("content");
            if (last.ValueKind == JsonValueKind.Object && last.GetProperty("type").GetString() == "tool_result")
            {
                string product = last.GetProperty("content")[0].GetProperty("text").GetString()!;
                return "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"6 times 7 is " + product + "\"},\"model\":\"scripted\",\"stopReason\":\"endTurn\"}";
            }
            return """{"role":"assistant","content":[{"type":"tool_use","id":"tu-1","name":"math.multiply","input":{"a":6,"b":7}}],"model":"scripted","stopReason":"toolUse"}""";
        }
    }
}
