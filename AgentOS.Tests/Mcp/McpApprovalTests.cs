using System.Text.Json;
using AgentOS.Access;
using AgentOS.Hosting.Mcp;
using AgentOS.Kernel;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tools;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// Elicitation carries the kernel's approvals: an irreversible tool call made over MCP asks the client's user, whose
/// answer is the session principal's decision — only when that principal holds the approve grant. A refusal changes
/// nothing (the tool never runs) and the audit names who decided.
/// </summary>
public sealed class McpApprovalTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task AnIrreversibleCallAsksTheClientsUserWhoMustHoldTheApproveGrant()
    {
        using var temp = new TempDirectory("agentos-mcp-approval");
        var shredder = new Shredder();
        await using var kernel = shredder.Start(temp.Path);
        var server = new McpServer(kernel);

        // An administrator's session acting as alice: the client's user approves, then refuses.
        var client = new ElicitingClient { Approve = true };
        client.Session = server.Open(new Principal(Principal.AdminName, IsAdmin: true), "alice", client);
        await client.InitializeAsync();
        var approved = await client.CallAsync("files.shred");
        Assert.Equal("shredded", approved.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(1, shredder.Runs);
        Assert.Equal(1, client.Asked.Count);
        Assert.Contains("files.shred", client.Asked[0]);

        client.Approve = false;
        var refused = await client.CallAsync("files.shred");
        Assert.True(refused.GetProperty("isError").GetBoolean());
        Assert.Contains("Approval refused by admin (MCP client test)", refused.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(1, shredder.Runs, "a refusal runs nothing");
        Assert.Equal(2, client.Asked.Count);

        // alice's own session: she lacks the approve grant, so her client's user is not asked and the fallback denies.
        var own = new ElicitingClient { Approve = true };
        own.Session = server.Open(new Principal("alice"), "alice", own);
        await own.InitializeAsync();
        var denied = await own.CallAsync("files.shred");
        Assert.True(denied.GetProperty("isError").GetBoolean());
        Assert.Equal(0, own.Asked.Count, "a principal without the approve grant is never asked");
        Assert.Equal(1, shredder.Runs);

        string audit = await File.ReadAllTextAsync(Path.Combine(temp.Path, "audit.jsonl"));
        Assert.Contains("\"approver\":\"admin (MCP client test)\"", audit);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task TwoIdenticalCallsInFlightAreEachAskedOnTheirOwnRequest()
    {
        using var temp = new TempDirectory("agentos-mcp-approval-pair");
        var shredder = new Shredder();
        await using var kernel = shredder.Start(temp.Path);
        var server = new McpServer(kernel);

        // Two administrators' clients acting as alice call the same tool at once; neither answers its question until
        // both questions are out, so both calls wait for approval together. Rounds repeat it, since which of two
        // identical waiting calls a lookup by (agent, tool) would find depends on hashing.
        for (int round = 0; round < 8; round++)
        {
            var bothAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int asked = 0;
            void OnAsked()
            {
                if (Interlocked.Increment(ref asked) == 2)
                {
                    bothAsked.TrySetResult();
                }
            }
            var yes = new ElicitingClient { Approve = true, Hold = bothAsked.Task, OnAsked = OnAsked };
            var no = new ElicitingClient { Approve = false, Hold = bothAsked.Task, OnAsked = OnAsked };
            yes.Session = server.Open(new Principal(Principal.AdminName, IsAdmin: true), "alice", yes);
            no.Session = server.Open(new Principal(Principal.AdminName, IsAdmin: true), "alice", no);
            await yes.InitializeAsync();
            await no.InitializeAsync();
            int before = shredder.Runs;

            var refusedCall = no.CallAsync("files.shred");
            var approvedCall = yes.CallAsync("files.shred");
            var (approved, refused) = (await approvedCall, await refusedCall);

            Assert.Equal(1, yes.Asked.Count, $"round {round}: the approving client is asked about its own call, once");
            Assert.Equal(1, no.Asked.Count, $"round {round}: the declining client is asked about its own call, once");
            Assert.False(approved.TryGetProperty("isError", out var e1) && e1.GetBoolean(), approved.GetRawText());
            Assert.Contains("shredded", approved.GetProperty("content")[0].GetProperty("text").GetString());
            Assert.True(refused.GetProperty("isError").GetBoolean(), refused.GetRawText());
            Assert.Equal(before + 1, shredder.Runs, $"round {round}: only the approved call ran");
            await yes.Session.DisposeAsync();
            await no.Session.DisposeAsync();
        }
    }

    /// <summary>A kernel whose MCP approvals go by elicitation (deny-all otherwise), with alice and the irreversible tool
    /// files.shred, which counts its runs.</summary>
    private sealed class Shredder
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public AgentKernel Start(string data)
        {
            AgentKernel? started = null;
            var options = new KernelOptions { DataDirectory = data, Approver = new McpElicitationApprover(DenyAllApprover.Instance, p => started!.AccessManager.MayApprove(p)) };
            options.Tools.Register(new ToolDefinition
            {
                Name = "files.shred",
                Description = "Shreds the files (irreversible).",
                ParametersSchema = JsonElement.Parse("""{"type":"object","properties":{}}"""),
                Irreversible = true,
                Run = (_, _, _) =>
                {
                    Interlocked.Increment(ref _runs);
                    return ValueTask.FromResult(new ToolOutput("shredded"));
                },
            });
            started = AgentKernel.Start(options);
            started.RegisterIdentity("alice");
            return started;
        }
    }

    /// <summary>An MCP client in-process: it offers elicitation and answers each approval question with <see cref="Approve"/>.</summary>
    private sealed class ElicitingClient : IMcpSink
    {
        private long _next;

        public McpSession Session { get; set; } = null!;

        public bool Approve { get; set; }

        public List<string> Asked { get; } = [];

        /// <summary>Answers wait for this (default: answer at once).</summary>
        public Task Hold { get; init; } = Task.CompletedTask;

        /// <summary>Called as each question arrives.</summary>
        public Action? OnAsked { get; init; }

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            var root = JsonDocument.Parse(message).RootElement;
            if (root.TryGetProperty("method", out var method) && method.GetString() == "elicitation/create")
            {
                lock (Asked)
                {
                    Asked.Add(root.GetProperty("params").GetProperty("message").GetString()!);
                }
                OnAsked?.Invoke();
                var id = JsonRpcId.FromElement(root.GetProperty("id"));
                bool approve = Approve;
                var answer = JsonElement.Parse(approve ? """{"action":"accept","content":{"approve":true}}""" : """{"action":"decline"}""");
                _ = Task.Run(async () =>
                {
                    await Hold;
                    await Session.HandleAsync(new JsonRpcResponse(id, answer), this);
                }, CancellationToken.None);
            }
            return ValueTask.CompletedTask;
        }

        public async Task InitializeAsync() =>
            await RequestAsync("initialize", """{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"test","version":"1"}}""");

        public async Task<JsonElement> CallAsync(string tool) =>
            await RequestAsync("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{}}");

        private async Task<JsonElement> RequestAsync(string method, string parameters)
        {
            var request = new JsonRpcRequest(JsonRpcId.FromNumber(Interlocked.Increment(ref _next)), method, JsonElement.Parse(parameters));
            var answer = await Session.HandleAsync(request, this) ?? throw new InvalidOperationException("no answer");
            return JsonDocument.Parse(answer).RootElement.GetProperty("result");
        }
    }
}
