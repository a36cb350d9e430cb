using System.Diagnostics;
using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;
using AgentOS.Tools.Mcp;

namespace AgentOS.Tests.Tools.Mcp;

/// <summary>External MCP servers (the official reference servers, run by Node) as kernel tools named server.tool.</summary>
[RequiresEnv(McpPeers.Variable)]
public sealed class McpServerToolTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Test(TimeoutSeconds = 180)]
    public async Task ServerEverythingsToolsAreKernelToolsInOneConcurrencyGroupPerServer()
    {
        using var temp = new TempDirectory("agentos-mcp-everything");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, McpServers = [McpPeers.Everything(maxConcurrency: 3)] });
        await kernel.Mcp.Find("everything")!.WaitUntilReadyAsync(StartTimeout);
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;

        Assert.Contains("everything.echo", kernel.Tools.All.Select(t => t.Name));
        Assert.Contains("everything.get-sum", kernel.Tools.All.Select(t => t.Name));
        // Every tool of the server shares one group and the server's limit on the tool queue.
        Assert.Equal("everything.*", kernel.Tools.GroupOf("everything.echo"));
        Assert.Equal("everything.*", kernel.Tools.GroupOf("everything.get-sum"));
        Assert.Equal(3, kernel.Tools.LimitOf("everything.*"));
        // MCP annotations become the kernel's: echo is read-only, so idempotent and not irreversible.
        var echo = kernel.Tools.Find("everything.echo")!;
        Assert.True(echo.Idempotent);
        Assert.False(echo.Irreversible);

        var echoed = await alice.CallAsync("everything.echo", """{"message":"hello"}""");
        Assert.Equal("Echo: hello", echoed.Output);
        Assert.False(echoed.IsError);
        Assert.Equal("The sum of 2 and 3 is 5.", (await alice.CallAsync("everything.get-sum", """{"a":2,"b":3}""")).Output);

        var weather = await alice.CallAsync("everything.get-structured-content", """{"location":"Chicago"}""");
        Assert.Equal(36, weather.Structured!.Value.GetProperty("temperature").GetInt32());
        Assert.Equal("Light rain / drizzle", weather.Structured.Value.GetProperty("conditions").GetString());

        var image = await alice.CallAsync("everything.get-tiny-image", "{}");
        Assert.Equal("image", image.Content![0].Type);
        Assert.Equal("image/png", image.Content[0].MimeType);
        Assert.Equal(0x89, Convert.FromBase64String(image.Content[0].Data!)[0]);
        Assert.Contains("MCP logo", image.Output);

        // Arguments the server's schema rejects are the model's error to read, not a failed syscall.
        var wrong = await alice.CallAsync("everything.get-sum", """{"a":"two"}""");
        Assert.True(wrong.IsError);

        // Parallel calls all come back, each with its own answer.
        var many = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => alice.CallAsync("everything.echo", $$"""{"message":"m{{i}}"}""").AsTask()));
        Assert.SequenceEqual(Enumerable.Range(0, 8).Select(i => $"Echo: m{i}"), many.Select(r => r.Output));
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ServerFilesystemsToolsAreGrantedPerAgentByToolOrByServer()
    {
        using var temp = new TempDirectory("agentos-mcp-fs");
        string shared = Directory.CreateDirectory(Path.Combine(temp.Path, "shared")).FullName;
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("readers", g => g.AllowTools("fs.read_text_file", "fs.list_directory"))
            .AddGroup("writers", g => g.AllowTools("fs.*"))
            .AddAgent("reader", "readers")
            .AddAgent("writer", "writers")
            .Build();
        // write_file is annotated destructive: its calls are irreversible and need an approval.
        var approved = new List<string>();
        var approver = new ManualApprover { Decide = request => { lock (approved) { approved.Add(request.Describe()); } return ApprovalResult.Approve("test"); } };
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = Path.Combine(temp.Path, "data"), Access = policy, Approver = approver, McpServers = [McpPeers.Filesystem(shared)] });
        await kernel.Mcp.Find("fs")!.WaitUntilReadyAsync(StartTimeout);
        var reader = new AgentContext("reader", kernel.Port).Action;
        var writer = new AgentContext("writer", kernel.Port).Action;
        string file = Path.Combine(shared, "note.txt");
        string args = McpPeers.Json(("path", file), ("content", "written by an agent"));

        // Refused before the server sees it: nothing is written.
        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(async () => await reader.CallAsync("fs.write_file", args));
        Assert.Contains("fs.write_file", denied.Message);
        Assert.False(File.Exists(file));

        // "fs.*" grants every tool of the server.
        var written = await writer.CallAsync("fs.write_file", args);
        Assert.False(written.IsError, written.Output);
        Assert.Equal("written by an agent", await File.ReadAllTextAsync(file));
        Assert.True(kernel.Tools.Find("fs.write_file")!.Irreversible);
        Assert.False(kernel.Tools.Find("fs.read_text_file")!.Irreversible);
        Assert.Equal(1, approved.Count);

        string path = McpPeers.Json(("path", file));
        Assert.Equal("written by an agent", (await reader.CallAsync("fs.read_text_file", path)).Output);
        string folder = McpPeers.Json(("path", shared));
        Assert.Contains("[FILE] note.txt", (await reader.CallAsync("fs.list_directory", folder)).Output);

        // Outside its allowed folder the server refuses; the model reads why.
        string outside = McpPeers.Json(("path", Path.Combine(temp.Path, "data")));
        var refused = await reader.CallAsync("fs.list_directory", outside);
        Assert.True(refused.IsError);
        Assert.Contains("denied", refused.Output.ToLowerInvariant());
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ListChangedAddsAndRemovesAServersTools()
    {
        using var temp = new TempDirectory("agentos-mcp-changing");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, McpServers = [McpPeers.Changing()] });
        var server = kernel.Mcp.Find("changing")!;
        await server.WaitUntilReadyAsync(StartTimeout);
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;
        Assert.SequenceEqual(["changing.grow", "changing.shrink", "changing.whoami"], server.ToolNames);
        Assert.Null(kernel.Tools.Find("changing.extra"));

        Assert.Equal("grown", (await alice.CallAsync("changing.grow", "{}")).Output);
        await McpPeers.Eventually(() => kernel.Tools.Find("changing.extra") is not null, "list_changed registers changing.extra");
        Assert.Equal("extra ran", (await alice.CallAsync("changing.extra", "{}")).Output);
        Assert.Equal("changing.*", kernel.Tools.GroupOf("changing.extra"));

        Assert.Equal("shrunk", (await alice.CallAsync("changing.shrink", "{}")).Output);
        await McpPeers.Eventually(() => kernel.Tools.Find("changing.extra") is null, "list_changed removes changing.extra");
        Assert.SequenceEqual(["changing.grow", "changing.shrink", "changing.whoami"], server.ToolNames);
        await Assert.ThrowsAsync<InvalidRequestException>(async () => await alice.CallAsync("changing.extra", "{}"));
    }

    [Test(TimeoutSeconds = 180)]
    public async Task ADeadServerFailsItsCallsTypedUntilItRestartsAfterTheBackoff()
    {
        using var temp = new TempDirectory("agentos-mcp-restart");
        var time = new ManualTimeProvider();
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, TimeProvider = time, McpServers = [McpPeers.Changing(restartDelayMs: 10_000)] });
        var server = kernel.Mcp.Find("changing")!;
        await server.WaitUntilReadyAsync(StartTimeout);
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;
        int first = int.Parse((await alice.CallAsync("changing.whoami", "{}")).Output, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, server.Starts);

        Process.GetProcessById(first).Kill();
        await McpPeers.Eventually(() => server.State == McpServerState.Restarting, "the connection notices the exit");

        // Meanwhile its tools stay listed, and a call fails typed with when to retry; the server is not started again
        // before the backoff has passed on the kernel's clock.
        Assert.NotNull(kernel.Tools.Find("changing.whoami"));
        var down = await Assert.ThrowsAsync<BackendFailedException>(async () => await alice.CallAsync("changing.whoami", "{}"));
        Assert.Contains("MCP server 'changing' is not running", down.Message);
        Assert.Equal(TimeSpan.FromSeconds(10), down.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        Assert.Equal(McpServerState.Restarting, server.State);

        time.Advance(TimeSpan.FromSeconds(1));
        await McpPeers.Eventually(() => server.State == McpServerState.Ready, "the server restarts after its backoff");
        Assert.Equal(2, server.Starts);
        int second = int.Parse((await alice.CallAsync("changing.whoami", "{}")).Output, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(first, second);
    }

    [Test(TimeoutSeconds = 180)]
    public async Task AStreamableHttpServerIsAToolProviderAndRemovingItRemovesItsTools()
    {
        var (process, url) = await McpPeers.StartEverythingHttpAsync();
        using var _ = process;
        using var temp = new TempDirectory("agentos-mcp-http");
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path });
        // Added from code to a running kernel.
        var server = kernel.Mcp.Add(new McpServerConfig { Name = "web", Url = url });
        await server.WaitUntilReadyAsync(StartTimeout);
        kernel.RegisterIdentity("alice");
        var alice = new AgentContext("alice", kernel.Port).Action;
        Assert.Equal("Echo: over http", (await alice.CallAsync("web.echo", """{"message":"over http"}""")).Output);
        Assert.Equal("The sum of 40 and 2 is 42.", (await alice.CallAsync("web.get-sum", """{"a":40,"b":2}""")).Output);

        Assert.True(await kernel.Mcp.RemoveAsync("web"));
        Assert.False(kernel.Tools.All.Any(t => t.Name.StartsWith("web.", StringComparison.Ordinal)));
        Assert.Equal(McpServerState.Stopped, server.State);
    }
}
