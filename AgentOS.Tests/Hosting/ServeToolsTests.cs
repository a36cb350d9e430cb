using System.Net;
using System.Text;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Tools.Mcp;
using AgentOS.Tools;

namespace AgentOS.Tests.Hosting;

/// <summary>Tools on a running `serve`: from its config, added over the HTTP API by an administrator, and seen the same
/// by a remote agent as by an in-process one.</summary>
public sealed class ServeToolsTests
{
    private static ScriptedHttpServer Weather() => new((request, exchange) =>
        exchange.RespondAsync(200, $$"""{"city":"{{request.Json.GetProperty("city").GetString()}}","sky":"clear"}"""));

    private static string WeatherTool(string url, string name = "weather.today") => $$"""
        { "name": "{{name}}", "description": "Today's weather in a city.", "url": "{{url}}weather",
          "parameters": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] } }
        """;

    [Test(TimeoutSeconds = 180)]
    public async Task RegisteringAToolOnARunningKernelNeedsTheAdminGrant()
    {
        await using var endpoint = Weather();
        using var temp = new TempDirectory("agentos-serve-tools");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--api-key", "alice-key=alice");
        using var admin = serve.CreateClient();
        using var alice = serve.CreateClient("alice-key");
        using var alicePort = serve.CreatePort("alice-key");
        var agent = new AgentContext("alice", alicePort).Action;
        var before = (await agent.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("math.add", before);

        // An agent is refused, with the grant it lacks, and nothing changes.
        using var refused = await alice.PostAsync("v1/tools", Json(WeatherTool(endpoint.Url)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        string why = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"grant\":\"admin\"", why);
        Assert.Contains("needs the admin grant", why);
        using var refusedServer = await alice.PostAsync("v1/mcp_servers", Json("""{ "name": "x", "command": "true" }"""));
        Assert.Equal(HttpStatusCode.Forbidden, refusedServer.StatusCode);
        Assert.SequenceEqual(before, (await agent.ListToolsAsync()).Select(t => t.Name));
        await Assert.ThrowsAsync<InvalidRequestException>(async () => await agent.CallAsync("weather.today", """{"city":"Oslo"}"""));

        // The administrator adds it; the agent sees it and calls it through the kernel.
        using var added = await admin.PostAsync("v1/tools", Json(WeatherTool(endpoint.Url)));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode, await added.Content.ReadAsStringAsync());
        var spec = (await agent.ListToolsAsync()).Single(t => t.Name == "weather.today");
        Assert.Equal("Today's weather in a city.", spec.Description);
        Assert.Equal("city", spec.ParametersSchema.GetProperty("required")[0].GetString());
        var answer = await agent.CallAsync("weather.today", """{"city":"Oslo"}""");
        Assert.Equal("""{"city":"Oslo","sky":"clear"}""", answer.Output);
        Assert.True(endpoint.Requests.TryDequeue(out var sent));
        Assert.Equal("alice", sent!.Header("X-AgentOS-Agent"));

        // A second tool of that name is a conflict; an invalid one says what to fix.
        using var again = await admin.PostAsync("v1/tools", Json(WeatherTool(endpoint.Url)));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var bad = await admin.PostAsync("v1/tools", Json("""{ "name": "bad", "description": "d", "url": "ftp://x", "parameters": {} }"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not an http(s) URL", await bad.Content.ReadAsStringAsync());

        // Removing needs the grant too.
        using var aliceDelete = await alice.DeleteAsync("v1/tools/weather.today");
        Assert.Equal(HttpStatusCode.Forbidden, aliceDelete.StatusCode);
        Assert.Contains("weather.today", (await agent.ListToolsAsync()).Select(t => t.Name));
        using var deleted = await admin.DeleteAsync("v1/tools/weather.today");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.SequenceEqual(before, (await agent.ListToolsAsync()).Select(t => t.Name));
    }

    [Test(TimeoutSeconds = 240)]
    [RequiresEnv(McpPeers.Variable)]
    public async Task ServeLoadsItsConfigsToolsAndARemoteAgentSeesTheSameToolsAsAnInProcessOne()
    {
        await using var endpoint = Weather();
        using var temp = new TempDirectory("agentos-serve-config-tools");
        string node = System.Text.Json.JsonSerializer.Serialize(McpPeers.Node, AgentOS.Serialization.AgentOSJsonContext.Default.String);
        string script = System.Text.Json.JsonSerializer.Serialize(McpPeers.Package("server-everything/dist/index.js"), AgentOS.Serialization.AgentOSJsonContext.Default.String);
        string configFile = temp.Combine("kernel.json");
        await File.WriteAllTextAsync(configFile, $$"""
            { "mcp_servers": [ { "name": "everything", "command": {{node}}, "args": [{{script}}, "stdio"] } ],
              "http_tools": [ {{WeatherTool(endpoint.Url)}} ] }
            """);

        // In process: the same config, the same built-ins serve adds.
        var options = KernelConfig.Load(configFile).ToOptions() with { DataDirectory = temp.Combine("local") };
        options.Tools.AddBuiltIns(options.TimeProvider);
        IReadOnlyList<AgentOS.Syscalls.Queries.ToolSpec> local;
        await using (var kernel = AgentKernel.Start(options))
        {
            Assert.SequenceEqual([], await kernel.Mcp.WaitUntilReadyAsync(TimeSpan.FromSeconds(90)));
            kernel.RegisterIdentity("alice");
            local = await new AgentContext("alice", kernel.Port).Action.ListToolsAsync();
        }
        Assert.Contains("everything.echo", local.Select(t => t.Name));
        Assert.Contains("weather.today", local.Select(t => t.Name));

        using var serve = await ServeProcess.StartAsync(temp.Combine("remote"), "--config", configFile, "--api-key", "alice-key=alice");
        using var port = serve.CreatePort("alice-key");
        var agent = new AgentContext("alice", port).Action;
        IReadOnlyList<AgentOS.Syscalls.Queries.ToolSpec> remote = [];
        await McpPeers.Eventually(() => (remote = agent.ListToolsAsync().AsTask().GetAwaiter().GetResult()).Count == local.Count, "serve's MCP server has started");
        Assert.SequenceEqual(local.Select(t => $"{t.Name}|{t.Description}"), remote.Select(t => $"{t.Name}|{t.Description}"));
        // The same schemas (the wire may escape characters differently).
        for (int i = 0; i < local.Count; i++)
        {
            Assert.True(System.Text.Json.JsonElement.DeepEquals(local[i].ParametersSchema, remote[i].ParametersSchema), local[i].Name);
        }

        Assert.Equal("Echo: remote", (await agent.CallAsync("everything.echo", """{"message":"remote"}""")).Output);
        Assert.Equal("""{"city":"Rome","sky":"clear"}""", (await agent.CallAsync("weather.today", """{"city":"Rome"}""")).Output);
    }

    [Test(TimeoutSeconds = 240)]
    [RequiresEnv(McpPeers.Variable)]
    public async Task AnAdministratorAddsAndRemovesAnMcpServerOnARunningKernel()
    {
        using var temp = new TempDirectory("agentos-serve-mcp");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--api-key", "alice-key=alice");
        using var admin = serve.CreateClient();
        using var port = serve.CreatePort("alice-key");
        var agent = new AgentContext("alice", port).Action;
        string node = System.Text.Json.JsonSerializer.Serialize(McpPeers.Node, AgentOS.Serialization.AgentOSJsonContext.Default.String);
        string script = System.Text.Json.JsonSerializer.Serialize(McpPeers.Package("server-everything/dist/index.js"), AgentOS.Serialization.AgentOSJsonContext.Default.String);

        using var added = await admin.PostAsync("v1/mcp_servers", Json($$"""{ "name": "live", "command": {{node}}, "args": [{{script}}, "stdio"] }"""));
        string body = await added.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, added.StatusCode, body);
        Assert.Contains("\"name\":\"live.echo\"", body);
        Assert.Equal("Echo: live", (await agent.CallAsync("live.echo", """{"message":"live"}""")).Output);

        // A server that cannot start is refused and leaves nothing behind.
        using var broken = await admin.PostAsync("v1/mcp_servers", Json("""{ "name": "broken", "command": "/nonexistent/mcp-server" }"""));
        Assert.Equal(HttpStatusCode.BadGateway, broken.StatusCode);
        Assert.Contains("did not start", await broken.Content.ReadAsStringAsync());

        using var owned = await admin.DeleteAsync("v1/tools/live.echo");
        Assert.Equal(HttpStatusCode.Conflict, owned.StatusCode);
        using var removed = await admin.DeleteAsync("v1/mcp_servers/live");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.False((await agent.ListToolsAsync()).Any(t => t.Name.StartsWith("live.", StringComparison.Ordinal)));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
