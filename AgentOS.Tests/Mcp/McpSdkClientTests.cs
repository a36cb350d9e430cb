using System.Text.Json;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// The official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2, under Node 22) against AgentOS over stdio
/// and Streamable HTTP — tools (text, image, progress), elicitation, resources, prompts and cancellation — and the MCP
/// Inspector CLI listing and calling tools (it exits 0 even when a call fails, so its JSON is read).
/// </summary>
[RequiresEnv(McpNode.Variable)]
public sealed class McpSdkClientTests
{
    [Test(TimeoutSeconds = 180)]
    public async Task TheTypeScriptClientWorksOverStdio()
    {
        using var temp = new TempDirectory("agentos-mcp-sdk");
        var checks = await RunClientAsync(temp, "stdio", ChildProcess.DotnetHost, "", [RepoPaths.CoreDll, "mcp", "--as", "alice", "--data", temp.Combine("data"), "--mcp-conformance-fixtures"]);
        AssertChecks(checks);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task TheTypeScriptClientWorksOverHttp()
    {
        using var temp = new TempDirectory("agentos-mcp-sdk");
        using var serve = await ServeProcess.StartAsync(temp.Combine("data"), "--mcp-conformance-fixtures");
        var checks = await RunClientAsync(temp, "http", new Uri(serve.Url, "mcp").ToString(), serve.Token!, []);
        AssertChecks(checks);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task TheInspectorListsAndCallsTools()
    {
        string node = McpNode.Node;
        string inspector = McpNode.Package(Path.Combine("@modelcontextprotocol", "inspector", "cli", "build", "index.js"));
        using var temp = new TempDirectory("agentos-mcp-inspector");
        using (var list = ChildProcess.Start(node, [inspector, ChildProcess.DotnetHost, RepoPaths.CoreDll, "mcp", "--as", "alice", "--data", temp.Combine("stdio"), "--method", "tools/list"]))
        {
            Assert.Equal(0, await list.WaitForExitAsync(TimeSpan.FromSeconds(90)), list.Stderr);
            var tools = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("tools");
            Assert.Contains("math.add", tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
        }
        // Over HTTP: the Inspector CLI cannot send a token, so this serve runs with the explicit no-authentication option.
        using var serve = await ServeProcess.StartAsync(temp.Combine("http"), "--insecure-no-auth");
        using var call = ChildProcess.Start(node, [inspector, $"http://localhost:{serve.Url.Port}/mcp", "--method", "tools/call", "--tool-name", "math.multiply", "--tool-arg", "a=6", "b=7"]);
        Assert.Equal(0, await call.WaitForExitAsync(TimeSpan.FromSeconds(90)), call.Stderr);
        var result = JsonDocument.Parse(call.Stdout).RootElement;
        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), call.Stdout);
        Assert.Equal("42", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static void AssertChecks(Dictionary<string, JsonElement> checks)
    {
        Assert.Equal("agentos", checks["server"].GetProperty("name").GetString());
        var tools = checks["tools"].GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains("math.add", tools);
        Assert.Contains("agent.echo", tools);
        Assert.Equal("5", checks["add"].GetProperty("text").GetString());
        Assert.Equal("image", checks["image"].GetProperty("type").GetString());
        Assert.Equal("image/png", checks["image"].GetProperty("mime").GetString());
        Assert.SequenceEqual([0.0, 50.0, 100.0], checks["progress"].GetProperty("progress").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal("User response: action=accept, content={\"username\":\"ada\",\"email\":\"ada@example.com\"}", checks["elicitation"].GetProperty("text").GetString());
        Assert.Contains("test://static-text", checks["resources"].GetProperty("uris").EnumerateArray().Select(u => u.GetString()!));
        Assert.Equal("This is the content of the static text resource.", checks["read"].GetProperty("text").GetString());
        Assert.Contains("test_prompt_with_arguments", checks["prompts"].GetProperty("names").EnumerateArray().Select(u => u.GetString()!));
        Assert.Contains("arg1='x'", checks["prompt"].GetProperty("text").GetString());
        Assert.Equal("rejected", checks["cancel"].GetProperty("outcome").GetString());
        Assert.True(checks["cancel"].GetProperty("serverWithdrew").GetBoolean(), "the cancelled syscall withdrew its sampling request from the client");
        Assert.Equal("42", checks["after-cancel"].GetProperty("text").GetString());
    }

    private static async Task<Dictionary<string, JsonElement>> RunClientAsync(TempDirectory temp, string mode, string target, string token, string[] args)
    {
        string node = McpNode.Node;
        McpNode.Package(Path.Combine("@modelcontextprotocol", "sdk", "dist", "esm", "client", "index.js"));
        string script = temp.Combine("client.mjs");
        await File.WriteAllTextAsync(script, ClientScript);
        using var run = ChildProcess.Start(node, [script, McpNode.Modules, mode, target, token, .. args]);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(150)), run.Stdout + "\n" + run.Stderr);
        return run.StdoutLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(c => c.GetProperty("check").GetString()!);
    }

    // ES modules resolve bare names from the script's own folder, so the SDK is imported by absolute file URL.
    private const string ClientScript = """
        import { pathToFileURL } from 'node:url';
        const [modules, mode, target, token, ...args] = process.argv.slice(2);
        const sdk = (p) => import(pathToFileURL(`${modules}/@modelcontextprotocol/sdk/dist/esm/${p}`).href);
        const { Client } = await sdk('client/index.js');
        const { CreateMessageRequestSchema, ElicitRequestSchema } = await sdk('types.js');
        let transport;
        if (mode === 'stdio') {
          const { StdioClientTransport } = await sdk('client/stdio.js');
          transport = new StdioClientTransport({ command: target, args, stderr: 'inherit' });
        } else {
          const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
          transport = new StreamableHTTPClientTransport(new URL(target), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
        }
        const out = (check, value) => console.log(JSON.stringify({ check, ...value }));
        const client = new Client({ name: 'agentos-test', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {} } });
        let asked, withdrew;
        const samplingAsked = new Promise((resolve) => { asked = resolve; });
        const samplingWithdrawn = new Promise((resolve) => { withdrew = resolve; });
        // The sampling handler never answers: the test cancels the tool call that asked, and the server withdraws it.
        client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => new Promise((_, reject) => {
          extra.signal.addEventListener('abort', () => { withdrew(true); reject(new Error('withdrawn')); });
          asked();
        }));
        client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } }));
        await client.connect(transport);
        out('server', { name: client.getServerVersion().name });
        out('tools', { names: (await client.listTools()).tools.map((t) => t.name) });
        out('add', { text: (await client.callTool({ name: 'math.add', arguments: { a: 2, b: 3 } })).content[0].text });
        const image = (await client.callTool({ name: 'test_image_content', arguments: {} })).content[0];
        out('image', { type: image.type, mime: image.mimeType });
        const progress = [];
        await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
        out('progress', { progress });
        out('elicitation', { text: (await client.callTool({ name: 'test_elicitation', arguments: { message: 'who are you?' } })).content[0].text });
        out('resources', { uris: (await client.listResources()).resources.map((r) => r.uri) });
        out('read', { text: (await client.readResource({ uri: 'test://static-text' })).contents[0].text });
        out('prompts', { names: (await client.listPrompts()).prompts.map((p) => p.name) });
        out('prompt', { text: (await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x', arg2: 'y' } })).messages[0].content.text });
        const abort = new AbortController();
        const cancelled = client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } }, undefined, { signal: abort.signal }).then(() => 'answered', () => 'rejected');
        await samplingAsked;
        abort.abort('the test cancels');
        const outcome = await cancelled;
        const serverWithdrew = await Promise.race([samplingWithdrawn, new Promise((resolve) => setTimeout(() => resolve(false), 20000))]);
        out('cancel', { outcome, serverWithdrew });
        out('after-cancel', { text: (await client.callTool({ name: 'math.multiply', arguments: { a: 6, b: 7 } })).content[0].text });
        await client.close();
        process.exit(0);
        """;
}
