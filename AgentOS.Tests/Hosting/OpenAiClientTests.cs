using System.Text.Json;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// The official <c>openai</c> npm client (6.x) against a <c>serve</c> child process: models, a plain completion, a
/// stream with usage, a tool call (whole, and assembled by the client's streaming helper) and errors raised as the
/// client's typed errors. <c>.ci/run</c> installs the client and names its folder in
/// <c>AGENTOS_TEST_OPENAI_NODE_MODULES</c>.
/// </summary>
[RequiresCommand("node")]
[RequiresEnv("AGENTOS_TEST_OPENAI_NODE_MODULES")]
public sealed class OpenAiClientTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task TheOfficialClientTalksToTheEndpoint()
    {
        using var temp = new TempDirectory("agentos-openai-client");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--api-key", "sk-test=alice");
        var script = Path.Combine(RepoPaths.Root, "AgentOS.Tests", "Hosting", "openai-client.cjs");
        using var node = ChildProcess.Start("node", [script, new Uri(serve.Url, "v1").ToString(), "sk-test"],
            environment: new Dictionary<string, string?> { ["NODE_PATH"] = Environment.GetEnvironmentVariable("AGENTOS_TEST_OPENAI_NODE_MODULES") });
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(90)), node.Stderr);

        var checks = node.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(c => c.GetProperty("check").GetString()!);
        // serve always registers the MCP sampling backend (a connected MCP client's model, chosen per agent).
        Assert.SequenceEqual(["echo", "mcp-sampling"], checks["models"].GetProperty("ids").EnumerateArray().Select(e => e.GetString()!));

        var plain = checks["plain"];
        Assert.Equal("hello from node", plain.GetProperty("content").GetString());
        Assert.Equal("stop", plain.GetProperty("finish").GetString());
        Assert.Equal(5, plain.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, plain.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var stream = checks["stream"];
        Assert.SequenceEqual(["one ", "two ", "three"], stream.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(3, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        Assert.Equal("tool_calls", checks["tool"].GetProperty("finish").GetString());
        Assert.Equal("get_weather", checks["tool"].GetProperty("name").GetString());
        Assert.Equal("Paris", checks["tool"].GetProperty("arguments").GetProperty("city").GetString());
        Assert.Equal("get_weather", checks["tool-stream"].GetProperty("name").GetString());
        Assert.Equal("Oslo", checks["tool-stream"].GetProperty("arguments").GetProperty("city").GetString());

        var model = checks["error-model"];
        Assert.True(model.GetProperty("thrown").GetBoolean());
        Assert.Equal("NotFoundError", model.GetProperty("name").GetString());
        Assert.Equal(404, model.GetProperty("status").GetInt32());
        Assert.Equal("model_not_found", model.GetProperty("code").GetString());
        var key = checks["error-key"];
        Assert.Equal("AuthenticationError", key.GetProperty("name").GetString());
        Assert.Equal(401, key.GetProperty("status").GetInt32());
        Assert.Equal("invalid_api_key", key.GetProperty("code").GetString());
    }
}
