using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Tools.Mcp;

/// <summary>`dotnet AgentOS.Core.dll mcp-client` driven by the official MCP conformance suite's client mode
/// (@modelcontextprotocol/conformance): each scenario starts its own server and runs the command against it.</summary>
[RequiresEnv(McpPeers.Variable)]
public sealed class McpConformanceClientTests
{
    [Test(TimeoutSeconds = 180)]
    public Task Initialize() => PassesAsync("initialize", 1);

    [Test(TimeoutSeconds = 180)]
    public Task ToolsCall() => PassesAsync("tools_call", 1);

    [Test(TimeoutSeconds = 180)]
    public Task ElicitationDefaults() => PassesAsync("elicitation-sep1034-client-defaults", 5);

    [Test(TimeoutSeconds = 180)]
    public Task SseRetry() => PassesAsync("sse-retry", 3);

    [Test(TimeoutSeconds = 60)]
    public void TheCommandNeedsAUrl()
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["mcp-client", "--call-all"]);
        Assert.Equal(2, child.WaitForExitAsync(TimeSpan.FromSeconds(50)).GetAwaiter().GetResult());
        Assert.Contains("give the server's http(s) URL", child.Stderr);
    }

    private static async Task PassesAsync(string scenario, int checks)
    {
        string command = $"{ChildProcess.DotnetHost} {RepoPaths.CoreDll} mcp-client --call-all";
        using var child = ChildProcess.Start(McpPeers.Node,
            [Path.Combine(McpPeers.Package("conformance"), "dist", "index.js"), "client", "--command", command, "--scenario", scenario, "--timeout", "60000"]);
        int exit = await child.WaitForExitAsync(TimeSpan.FromSeconds(150));
        string output = child.Stdout + "\n" + child.Stderr;
        Assert.Contains($"Passed: {checks}/{checks}, 0 failed", output);
        Assert.Contains("OVERALL: PASSED", output);
        Assert.Equal(0, exit, output);
    }
}
