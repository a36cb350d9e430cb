using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Mcp;
using AgentOS.Kernel;
using AgentOS.Llm;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// Sampling as an LLM backend: an agent's LLM syscall naming <c>mcp-sampling</c> is answered by the connected client's
/// model (the system message becomes the system prompt), and without a client that offered sampling it fails typed.
/// </summary>
public sealed class McpSamplingBackendTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task AnAgentsLlmSyscallIsAnsweredByTheClientsModel()
    {
        using var temp = new TempDirectory("agentos-mcp-sampling");
        var sampling = new McpSamplingBackend();
        var options = new KernelOptions { DataDirectory = temp.Path, LlmBackends = [new EchoLlmBackend(), sampling] };
        await using var kernel = AgentKernel.Start(options);
        kernel.RegisterIdentity("alice");
        var server = new McpServer(kernel);
        sampling.Server = server;
        var query = new SyscallRequest
        {
            AgentId = "alice",
            Llm = new LlmQuery { Messages = [new ChatMessage("system", "Be brief."), new ChatMessage("user", "Name a colour.")], Backend = McpSamplingBackend.DefaultName, MaxTokens = 10 },
        };

        var none = await Assert.ThrowsAsync<BackendFailedException>(async () => await kernel.Port.SubmitAsync(query));
        Assert.Contains("connect a client that offers sampling", none.Message);

        var client = new SamplingClient();
        client.Session = server.Open(new Principal("alice"), "alice", client);
        var init = new JsonRpcRequest(JsonRpcId.FromNumber(1), "initialize", JsonElement.Parse("""{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"test","version":"1"}}"""));
        await client.Session.HandleAsync(init, client);

        var answer = await kernel.Port.SubmitAsync(query);
        Assert.Equal("teal", answer.Llm!.Content);
        Assert.Equal(McpSamplingBackend.DefaultName, answer.Llm.Backend);
        var asked = client.Asked.Single();
        Assert.Equal("Be brief.", asked.GetProperty("systemPrompt").GetString());
        Assert.Equal("Name a colour.", asked.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(10, asked.GetProperty("maxTokens").GetInt32());
    }

    private sealed class SamplingClient : IMcpSink
    {
        public McpSession Session { get; set; } = null!;

        public List<JsonElement> Asked { get; } = [];

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var root = JsonDocument.Parse(message).RootElement;
            if (root.TryGetProperty("method", out var method) && method.GetString() == "sampling/createMessage")
            {
                lock (Asked)
                {
                    Asked.Add(root.GetProperty("params"));
                }
                var answer = JsonElement.Parse("""{"role":"assistant","content":{"type":"text","text":"teal"},"model":"test-model","stopReason":"endTurn"}""");
                var id = JsonRpcId.FromElement(root.GetProperty("id"));
                _ = Task.Run(async () => await Session.HandleAsync(new JsonRpcResponse(id, answer), this));
            }
            return ValueTask.CompletedTask;
        }
    }
}
