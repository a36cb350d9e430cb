using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Hosting;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16) in server mode against <c>serve</c>
/// with the fixtures and the explicit no-authentication option (the suite cannot send credentials): every active
/// scenario must pass, with no expected-failures file. The pending suite runs too and its results are printed.
/// </summary>
[RequiresEnv(McpNode.Variable)]
public sealed class McpConformanceTests
{
    public const int ActiveScenarios = 30;

    [Test(TimeoutSeconds = 600)]
    public async Task EveryActiveServerScenarioPasses()
    {
        string node = McpNode.Node;
        string suite = McpNode.Package(Path.Combine("@modelcontextprotocol", "conformance", "dist", "index.js"));
        using var temp = new TempDirectory("agentos-mcp-conformance");
        using var serve = await ServeProcess.StartAsync(temp.Combine("data"), "--insecure-no-auth", "--mcp-conformance-fixtures");
        string url = $"http://localhost:{serve.Url.Port}/mcp";

        var active = await RunAsync(node, suite, url, "active", temp.Path);
        var pending = await RunAsync(node, suite, url, "pending", temp.Path);
        foreach (var (scenario, passed, failed) in active)
        {
            Console.WriteLine($"active  {scenario}: {passed} passed, {failed} failed");
        }
        foreach (var (scenario, passed, failed) in pending)
        {
            Console.WriteLine($"pending {scenario}: {passed} passed, {failed} failed");
        }
        Assert.Equal(ActiveScenarios, active.Count, "the suite ran every active server scenario");
        Assert.SequenceEqual(Array.Empty<string>(), active.Where(r => r.Failed > 0 || r.Passed == 0).Select(r => r.Scenario), "active scenarios with failures");
    }

    private static async Task<IReadOnlyList<(string Scenario, int Passed, int Failed)>> RunAsync(string node, string suite, string url, string which, string workingDirectory)
    {
        using var run = ChildProcess.Start(node, [suite, "server", "--url", url, "--suite", which], workingDirectory);
        int exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(280));
        var summary = McpNode.Summary(run.StdoutLines.Concat(run.StderrLines));
        if (which == "active")
        {
            Assert.Equal(0, exit, run.Stdout + run.Stderr);
        }
        return summary;
    }
}
