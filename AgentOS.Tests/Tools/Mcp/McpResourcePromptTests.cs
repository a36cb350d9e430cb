using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Tools.Mcp;

/// <summary>An MCP server's resources and prompts reach agents through the SDK as tools of the server.</summary>
[RequiresEnv(McpPeers.Variable)]
public sealed class McpResourcePromptTests
{
    [Test(TimeoutSeconds = 180)]
    public async Task AnAgentReadsServerEverythingsResourcesAndPromptsThroughTheActionModule()
    {
        using var temp = new TempDirectory("agentos-mcp-resources");
        var policy = AccessPolicy.CreateBuilder()
            .AddGroup("readers", g => g.AllowTools("everything.mcp-resource-read", "everything.mcp-prompt-get", "everything.mcp-prompts-list"))
            .AddAgent("reader", "readers")
            .Build();
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = temp.Path, Access = policy, McpServers = [McpPeers.Everything()] });
        await kernel.Mcp.Find("everything")!.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var reader = new AgentContext("reader", kernel.Port).Action;
        Assert.SequenceEqual(["everything.mcp-prompt-get", "everything.mcp-prompts-list", "everything.mcp-resource-read"], (await reader.ListToolsAsync()).Select(t => t.Name));
        Assert.True(kernel.Tools.Find("everything.mcp-resource-read")!.Idempotent);
        Assert.Equal("everything.*", kernel.Tools.GroupOf("everything.mcp-resource-read"));

        var text = await reader.CallAsync("everything.mcp-resource-read", """{"uri":"demo://resource/dynamic/text/7"}""");
        Assert.False(text.IsError, text.Output);
        Assert.True(text.Output.StartsWith("Resource 7: This is a plaintext resource", StringComparison.Ordinal), text.Output);
        var blob = await reader.CallAsync("everything.mcp-resource-read", """{"uri":"demo://resource/dynamic/blob/3"}""");
        Assert.Equal("file", blob.Content![0].Type);
        Assert.Equal("demo://resource/dynamic/blob/3", blob.Content[0].Name);

        var prompts = await reader.CallAsync("everything.mcp-prompts-list", "{}");
        var names = prompts.Structured!.Value.GetProperty("prompts").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("simple-prompt", names);
        Assert.Contains("args-prompt", names);
        var filled = await reader.CallAsync("everything.mcp-prompt-get", """{"name":"args-prompt","arguments":{"city":"Paris","state":"TX"}}""");
        Assert.Equal("user: What's weather in Paris, TX?", filled.Output);
        var missing = await reader.CallAsync("everything.mcp-prompt-get", "{}");
        Assert.True(missing.IsError);
        Assert.Contains("'name' is required", missing.Output);

        // Granted by name: listing the resources was not granted.
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await reader.CallAsync("everything.mcp-resources-list", "{}"));
    }
}
