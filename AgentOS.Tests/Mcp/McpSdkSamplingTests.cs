using System.Text.Json;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// The <c>mcp-sampling</c> backend and elicitation approvals end to end with the official TypeScript SDK client
/// (@modelcontextprotocol/sdk 1.32.2 under Node 22) over real transports: its sampling handler is a deterministic
/// "model" (it upper-cases the last user message and reports the system prompt it received; offered tools, it plans
/// math.multiply(6, 7), then answers with the tool's result). An agent run over stdio (<c>mcp --as</c>) and an LLM
/// syscall and a tool loop over HTTP (<c>serve</c>'s <c>/mcp</c> with an agent's bearer token) are answered by exactly
/// that model, and the client's own log notifications and the audit show the syscalls. The SDK validates every
/// <c>sampling/createMessage</c> the kernel sends against its schema (tool_use and tool_result turns included).
/// </summary>
[RequiresEnv(McpNode.Variable)]
public sealed class McpSdkSamplingTests
{
    [Test(TimeoutSeconds = 240)]
    public async Task AnAgentRunOverStdioIsAnsweredByTheClientsModel()
    {
        using var temp = new TempDirectory("agentos-mcp-sdk-sampling");
        // The default group may use only mcp-sampling, so the echo agent's plain generation is routed there.
        string policy = temp.Combine("policy.json");
        await File.WriteAllTextAsync(policy, """{ "groups": [ { "name": "agents", "tools": ["*"], "llm_backends": ["mcp-sampling"] } ] }""");
        string data = temp.Combine("data");
        using var client = await StartClientAsync(temp, "stdio", ChildProcess.DotnetHost, "", "", [RepoPaths.CoreDll, "mcp", "--as", "echo", "--data", data, "--policy", policy]);
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(180)), client.Stdout + "\n" + client.Stderr);
        var checks = Checks(client);

        Assert.Equal("HELLO FROM THE CLIENT [system: none]", Text(checks["run"].Single()));
        var asked = checks["sampled"].Single();
        Assert.SequenceEqual(["user"], asked.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(JsonValueKind.Null, asked.GetProperty("systemPrompt").ValueKind);
        Assert.Equal(0, asked.GetProperty("tools").GetArrayLength());
        // The run's LLM syscall reached the client as the kernel's own event, logged to the session's agent.
        Assert.True(checks["log"].Any(l => l.GetProperty("data").GetString()!.EndsWith("(Llm) completed", StringComparison.Ordinal)), "the generation was logged to the client");
        var llm = AuditOf(data).Where(r => Field(r, "resource") == "Llm").ToList();
        Assert.True(llm.Count >= 1, "the generation was audited");
        Assert.SequenceEqual(llm.Select(_ => (string?)"echo"), llm.Select(r => Field(r, "agent")));
        Assert.SequenceEqual(llm.Select(_ => (string?)"mcp-sampling"), llm.Select(r => Field(r, "target")));
    }

    [Test(TimeoutSeconds = 300)]
    public async Task AnLlmSyscallAToolLoopAndAnApprovalOverHttpUseTheClient()
    {
        await using var vault = new ScriptedHttpServer((request, exchange) => exchange.RespondAsync(200, "shredded", "text/plain"));
        using var temp = new TempDirectory("agentos-mcp-sdk-sampling-http");
        string data = temp.Combine("data");
        using var serve = await ServeProcess.StartAsync(data, "--api-key", "alice-key=alice");
        using (var admin = serve.CreateClient())
        {
            // An irreversible tool: calling it needs a human's approval, which the approving client's user gives.
            using var added = await admin.PostAsync("v1/tools", new StringContent($$"""
                { "name": "vault.shred", "description": "Shreds the vault.", "url": "{{vault.Url}}shred",
                  "parameters": { "type": "object", "properties": {} }, "irreversible": true }
                """, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.Created, added.StatusCode, await added.Content.ReadAsStringAsync());
        }
        using var client = await StartClientAsync(temp, "http", new Uri(serve.Url, "mcp").ToString(), "alice-key", serve.Token!, []);
        await client.WaitForLineAsync(l => l.Contains("\"check\":\"ready\"", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

        // Elicitation carries the approval: the administrator's client acting as alice approves once, then declines.
        var early = Checks(client);
        Assert.Equal("shredded", Text(early["approved"].Single()));
        Assert.Equal(1, vault.Requests.Count);
        Assert.True(early["refused"].Single().GetProperty("isError").GetBoolean());
        Assert.Contains("admin (MCP client agentos-approver)", Text(early["refused"].Single()));
        Assert.Equal(1, vault.Requests.Count, "a declined approval runs nothing");
        Assert.Equal(2, early["question"].Count);
        Assert.True(early["question"].All(q => q.GetProperty("message").GetString()!.Contains("vault.shred", StringComparison.Ordinal)), "each question names the tool");

        // An LLM syscall of alice's, through the HTTP API with her key: answered by her client's model.
        using var port = serve.CreatePort("alice-key");
        var response = await port.SubmitAsync(new SyscallRequest
        {
            AgentId = "alice",
            Llm = new LlmQuery { Messages = [new ChatMessage("system", "Answer in capitals."), ChatMessage.User("hello from the kernel")], Backend = "mcp-sampling", MaxTokens = 40 },
        });
        Assert.Equal("HELLO FROM THE KERNEL [system: Answer in capitals.]", response.Llm!.Content);
        Assert.Equal("mcp-sampling", response.Llm.Backend);

        // The tool loop on the client's model: it plans math.multiply, the kernel runs it, the model sees its result.
        var context = new AgentContext("alice", port);
        var tools = (await context.Action.ListToolsAsync()).Where(t => t.Name == "math.multiply").ToList();
        var loop = new ToolLoop(context, tools, new ToolLoopOptions { Backend = "mcp-sampling", Instructions = "Use the tools." });
        var result = await loop.RunAsync("What is 6 times 7?");
        Assert.Equal(ToolLoopOutcome.Answered, result.Outcome);
        Assert.Equal("the product is 42", result.Answer);
        Assert.Equal("42", result.Steps[0].Results.Single().Output);

        // The client's log notifications carry alice's syscalls: the plain generation, both loop turns and the tool call.
        await client.WaitForLineAsync(l => l.Contains($"syscall {response.SyscallId} (Llm) completed", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await client.WaitForLineAsync(l => l.Contains("(Tool) completed", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        client.StandardInput.Close();
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)), client.Stdout + "\n" + client.Stderr);
        var checks = Checks(client);
        var asked = checks["sampled"];
        Assert.Equal(3, asked.Count);
        Assert.Equal("Answer in capitals.", asked[0].GetProperty("systemPrompt").GetString());
        Assert.Equal(40, asked[0].GetProperty("maxTokens").GetInt32());
        Assert.Equal("Use the tools.", asked[1].GetProperty("systemPrompt").GetString());
        Assert.SequenceEqual(["math.multiply"], asked[1].GetProperty("tools").EnumerateArray().Select(t => t.GetString()!));
        // The second turn: the question, the model's tool_use, then the result alone in a user turn.
        Assert.SequenceEqual(["user", "assistant", "user"], asked[2].GetProperty("roles").EnumerateArray().Select(r => r.GetString()!));
        Assert.SequenceEqual(["tool_result"], asked[2].GetProperty("lastTypes").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal(3, checks["log"].Count(l => l.GetProperty("data").GetString()!.EndsWith("(Llm) completed", StringComparison.Ordinal)));

        // Stopped in order, the kernel has flushed its audit: alice's generations on mcp-sampling and the approval.
        serve.Child.Terminate();
        Assert.Equal(0, await serve.Child.WaitForExitAsync(TimeSpan.FromSeconds(60)), serve.Child.Stderr);
        var audit = AuditOf(data);
        Assert.True(audit.Where(r => Field(r, "agent") == "alice" && Field(r, "target") == "mcp-sampling").Sum(Decisions) >= 3, "three generations audited");
        Assert.True(audit.Any(r => Field(r, "target") == "vault.shred" && r.TryGetProperty("approver", out var a) && a.GetString() == "admin (MCP client agentos-approver)" && Field(r, "decision") == "Approved"), "the approval is audited with its approver");
    }

    // Audit lines differ in their fields (a gap marker names no target): absent is null.
    private static string? Field(JsonElement record, string name) => record.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static int Decisions(JsonElement record) => record.TryGetProperty("count", out var count) ? count.GetInt32() : 1;

    private static string Text(JsonElement result) => result.GetProperty("content")[0].GetProperty("text").GetString()!;

    private static List<JsonElement> AuditOf(string data) =>
        [.. File.ReadAllLines(Path.Combine(data, "audit.jsonl")).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    private static Dictionary<string, List<JsonElement>> Checks(ChildProcess client) =>
        client.StdoutLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
            .GroupBy(c => c.GetProperty("check").GetString()!)
            .ToDictionary(g => g.Key, g => g.ToList());

    private static async Task<ChildProcess> StartClientAsync(TempDirectory temp, string mode, string target, string token, string adminToken, string[] args)
    {
        string node = McpNode.Node;
        McpNode.Package(Path.Combine("@modelcontextprotocol", "sdk", "dist", "esm", "client", "index.js"));
        string script = temp.Combine("sampling-client.mjs");
        await File.WriteAllTextAsync(script, ClientScript);
        return ChildProcess.Start(node, [script, McpNode.Modules, mode, target, token, adminToken, .. args]);
    }

    // ES modules resolve bare names from the script's own folder, so the SDK is imported by absolute file URL.
    // Over stdio the script runs the echo agent and exits; over HTTP it first has an administrator's client acting as
    // alice call an irreversible tool twice (approving, then declining), prints "ready", and serves alice's
    // generations until its stdin closes.
    private const string ClientScript = """
        import { pathToFileURL } from 'node:url';
        const [modules, mode, target, token, adminToken, ...args] = process.argv.slice(2);
        const sdk = (p) => import(pathToFileURL(`${modules}/@modelcontextprotocol/sdk/dist/esm/${p}`).href);
        const { Client } = await sdk('client/index.js');
        const { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema } = await sdk('types.js');
        const out = (check, value) => console.log(JSON.stringify({ check, ...value }));
        const transportFor = async (bearer, query = '') => {
          if (mode === 'stdio') {
            const { StdioClientTransport } = await sdk('client/stdio.js');
            return new StdioClientTransport({ command: target, args, stderr: 'inherit' });
          }
          const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
          return new StreamableHTTPClientTransport(new URL(target + query), { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } });
        };

        // The model: deterministic, and it says what it was asked.
        const model = new Client({ name: 'agentos-sampler', version: '1.0.0' }, { capabilities: { sampling: { tools: {} } } });
        model.setRequestHandler(CreateMessageRequestSchema, async (request) => {
          const p = request.params;
          const last = p.messages[p.messages.length - 1];
          const blocks = Array.isArray(last.content) ? last.content : [last.content];
          out('sampled', { systemPrompt: p.systemPrompt ?? null, maxTokens: p.maxTokens, tools: (p.tools ?? []).map((t) => t.name),
                           roles: p.messages.map((m) => m.role), lastTypes: blocks.map((b) => b.type) });
          if (p.tools?.length) {
            const result = blocks.find((b) => b.type === 'tool_result');
            if (result) {
              return { role: 'assistant', content: { type: 'text', text: `the product is ${result.content[0].text}` }, model: 'ts-sdk-model', stopReason: 'endTurn' };
            }
            return { role: 'assistant', content: [{ type: 'tool_use', id: 'call-1', name: 'math.multiply', input: { a: 6, b: 7 } }], model: 'ts-sdk-model', stopReason: 'toolUse' };
          }
          const text = blocks.filter((b) => b.type === 'text').map((b) => b.text).join('');
          return { role: 'assistant', content: { type: 'text', text: `${text.toUpperCase()} [system: ${p.systemPrompt ?? 'none'}]` }, model: 'ts-sdk-model', stopReason: 'endTurn' };
        });
        let sawLlm;
        const llmLogged = new Promise((resolve) => { sawLlm = resolve; });
        model.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
          out('log', { level: n.params.level, data: n.params.data });
          if (String(n.params.data).endsWith('(Llm) completed')) sawLlm();
        });
        await model.connect(await transportFor(token));
        await model.setLoggingLevel('debug');

        if (mode === 'stdio') {
          out('run', await model.callTool({ name: 'agent.echo', arguments: { input: 'hello from the client' } }));
          // The completion's log notification may follow the answer; the test fails if it never comes.
          await Promise.race([llmLogged, new Promise((resolve) => setTimeout(resolve, 20000))]);
          await model.close();
          process.exit(0);
        }

        const approver = new Client({ name: 'agentos-approver', version: '1.0.0' }, { capabilities: { elicitation: {} } });
        let questions = 0;
        approver.setRequestHandler(ElicitRequestSchema, (request) => {
          out('question', { message: request.params.message });
          return ++questions === 1 ? { action: 'accept', content: { approve: true } } : { action: 'decline' };
        });
        await approver.connect(await transportFor(adminToken, '?agent=alice'));
        out('approved', await approver.callTool({ name: 'vault.shred', arguments: {} }));
        out('refused', await approver.callTool({ name: 'vault.shred', arguments: {} }));
        await approver.close();
        out('ready', {});
        process.stdin.resume();
        await new Promise((resolve) => process.stdin.on('end', resolve));
        await model.close();
        process.exit(0);
        """;
}
