using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Tools.Mcp;

namespace AgentOS.Tests.Tools;

/// <summary>Tools from the kernel's JSON config: <c>mcp_servers</c> and <c>http_tools</c>.</summary>
public sealed class ConfiguredToolTests
{
    [Test]
    public void McpServersAndHttpToolsAreReadFromTheConfigInSnakeCase()
    {
        var config = KernelConfig.Parse("""
            { "mcp_servers": [
                { "name": "fs", "command": "node", "args": ["server.js", "/srv"], "env": { "A": "1" }, "max_concurrency": 2,
                  "timeout_seconds": 5, "restart_delay_ms": 100, "max_restart_delay_ms": 1000 },
                { "name": "web", "url": "http://127.0.0.1:3001/mcp", "headers": { "Authorization": "Bearer t" } } ],
              "http_tools": [
                { "name": "weather.today", "description": "Today's weather.", "url": "http://127.0.0.1:9/weather",
                  "parameters": { "type": "object", "properties": { "city": { "type": "string" } } }, "irreversible": true, "max_concurrency": 2 } ] }
            """);
        var options = config.ToOptions();
        Assert.Equal(2, options.McpServers!.Count);
        var fs = options.McpServers[0];
        Assert.Equal("node", fs.Command);
        Assert.SequenceEqual(["server.js", "/srv"], fs.Args!);
        Assert.Equal("1", fs.Env!["A"]);
        Assert.Equal(2, fs.MaxConcurrency);
        Assert.Equal(100, fs.RestartDelayMs);
        Assert.Equal("Bearer t", options.McpServers[1].Headers!["Authorization"]);
        var weather = options.Tools.Find("weather.today")!;
        Assert.True(weather.Irreversible);
        Assert.Equal(2, weather.MaxConcurrency);
        Assert.Equal("object", weather.ParametersSchema.GetProperty("type").GetString());
    }

    [Test]
    public void AnInvalidToolEntryIsRefusedWithWhatToFix()
    {
        static string Refusal(string json) => Assert.Throws<KernelConfigException>(() => KernelConfig.Parse(json)).Message;

        Assert.Contains("exactly one of command", Refusal("""{ "mcp_servers": [ { "name": "x", "command": "a", "url": "http://h/mcp" } ] }"""));
        Assert.Contains("exactly one of command", Refusal("""{ "mcp_servers": [ { "name": "x" } ] }"""));
        Assert.Contains("name must be", Refusal("""{ "mcp_servers": [ { "name": "a.b", "command": "a" } ] }"""));
        Assert.Contains("twice", Refusal("""{ "mcp_servers": [ { "name": "x", "command": "a" }, { "name": "x", "command": "b" } ] }"""));
        Assert.Contains("headers apply to url servers", Refusal("""{ "mcp_servers": [ { "name": "x", "command": "a", "headers": {} } ] }"""));
        Assert.Contains("not an http(s) URL", Refusal("""{ "mcp_servers": [ { "name": "x", "url": "ftp://h" } ] }"""));
        Assert.Contains("restart_delay_ms", Refusal("""{ "mcp_servers": [ { "name": "x", "command": "a", "restart_delay_ms": 10, "max_restart_delay_ms": 5 } ] }"""));
        Assert.Contains("parameters must be a JSON schema object", Refusal("""{ "http_tools": [ { "name": "t", "description": "d", "url": "http://h/", "parameters": [] } ] }"""));
        Assert.Contains("twice", Refusal("""{ "http_tools": [ { "name": "t", "description": "d", "url": "http://h/", "parameters": {} }, { "name": "t", "description": "d", "url": "http://h/", "parameters": {} } ] }"""));
        Assert.Contains("sandbox", Refusal("""{ "mcp_servers": [ { "name": "x", "url": "http://h/mcp", "sandbox": true } ] }"""));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AnHttpToolPostsItsArgumentsAndTheCallerAndReturnsTheAnswer()
    {
        await using var endpoint = new ScriptedHttpServer((request, exchange) => request.Path == "/fail"
            ? exchange.RespondAsync(503, "busy", "text/plain")
            : exchange.RespondAsync(200, $$"""{"city":"{{request.Json.GetProperty("city").GetString()}}","temperature":21}"""));
        var config = KernelConfig.Parse($$"""
            { "http_tools": [
                { "name": "weather.today", "description": "Today's weather.", "url": "{{endpoint.Url}}weather", "headers": { "Authorization": "Bearer k" },
                  "parameters": { "type": "object", "properties": { "city": { "type": "string" } } } },
                { "name": "weather.broken", "description": "Always busy.", "url": "{{endpoint.Url}}fail", "parameters": { "type": "object" } } ] }
            """);
        using var temp = new TempDirectory("agentos-http-tool");
        await using var kernel = AgentKernel.Start(config.ToOptions() with { DataDirectory = temp.Path });
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;

        var answer = await alice.CallAsync("weather.today", """{"city":"Oslo"}""");
        Assert.False(answer.IsError);
        Assert.Equal("""{"city":"Oslo","temperature":21}""", answer.Output);
        Assert.Equal(21, answer.Structured!.Value.GetProperty("temperature").GetInt32());
        Assert.True(endpoint.Requests.TryDequeue(out var sent));
        Assert.Equal("POST", sent!.Method);
        Assert.Equal("/weather", sent.Path);
        Assert.Equal("""{"city":"Oslo"}""", sent.Body);
        Assert.Equal("alice", sent.Header("X-AgentOS-Agent"));
        Assert.Equal("Bearer k", sent.Header("Authorization"));

        var failed = await alice.CallAsync("weather.broken", "{}");
        Assert.True(failed.IsError);
        Assert.Contains("answered HTTP 503: busy", failed.Output);
    }

    [Test(TimeoutSeconds = 180)]
    [RequiresEnv(McpPeers.Variable)]
    public async Task AKernelStartedFromItsConfigOffersItsMcpServersTools()
    {
        string node = System.Text.Json.JsonSerializer.Serialize(McpPeers.Node, AgentOS.Serialization.AgentOSJsonContext.Default.String);
        string script = System.Text.Json.JsonSerializer.Serialize(McpPeers.Package("server-everything/dist/index.js"), AgentOS.Serialization.AgentOSJsonContext.Default.String);
        var config = KernelConfig.Parse($$"""{ "mcp_servers": [ { "name": "everything", "command": {{node}}, "args": [{{script}}, "stdio"] } ] }""");
        using var temp = new TempDirectory("agentos-config-mcp");
        await using var kernel = AgentKernel.Start(config.ToOptions() with { DataDirectory = temp.Path });
        Assert.SequenceEqual([], await kernel.Mcp.WaitUntilReadyAsync(TimeSpan.FromSeconds(90)));
        kernel.RegisterIdentity("alice");
        Assert.Equal("Echo: configured", (await new AgentContext("alice", kernel.Port).Action.CallAsync("everything.echo", """{"message":"configured"}""")).Output);
    }
}
