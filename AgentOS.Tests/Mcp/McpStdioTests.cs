using System.Text.Json;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Mcp;

/// <summary>
/// <c>dotnet AgentOS.Core.dll mcp --as AGENT</c> driven line by line: stdout carries only JSON-RPC, requests are
/// syscalls of the agent, and <c>notifications/cancelled</c> cancels the syscall (the tool's own request to the client
/// is withdrawn, and the cancelled request gets no answer).
/// </summary>
public sealed class McpStdioTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"sampling":{}},"clientInfo":{"name":"test","version":"1"}}}""";

    [Test(TimeoutSeconds = 120)]
    public async Task ToolsAnswerOverStdioAndStdoutCarriesOnlyJsonRpc()
    {
        using var temp = new TempDirectory("agentos-mcp-stdio");
        using var mcp = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["mcp", "--as", "alice", "--data", temp.Path]);
        await SendAsync(mcp, Initialize);
        var init = await AnswerAsync(mcp, "1");
        Assert.Equal("2025-11-25", init.GetProperty("result").GetProperty("protocolVersion").GetString());
        await SendAsync(mcp, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        await SendAsync(mcp, """{"jsonrpc":"2.0","id":"add","method":"tools/call","params":{"name":"math.add","arguments":{"a":2,"b":3}}}""");
        var add = await AnswerAsync(mcp, "\"add\"");
        Assert.Equal("5", add.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        await SendAsync(mcp, """{"jsonrpc":"2.0","id":7,"method":"no/such"}""");
        Assert.Equal(-32601, (await AnswerAsync(mcp, "7")).GetProperty("error").GetProperty("code").GetInt32());

        mcp.StandardInput.Close(); // the client leaves: the server stops the kernel and exits 0
        Assert.Equal(0, await mcp.WaitForExitAsync(TimeSpan.FromSeconds(60)), mcp.Stderr);
        foreach (var line in mcp.StdoutLines)
        {
            Assert.Equal("2.0", JsonDocument.Parse(line).RootElement.GetProperty("jsonrpc").GetString(), $"stdout line is JSON-RPC: {line}");
        }
        Assert.Contains("\"agent\":\"alice\"", File.ReadAllText(Path.Combine(temp.Path, "audit.jsonl")), "the call was audited as alice's syscall");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task CancellingARequestCancelsItsSyscall()
    {
        using var temp = new TempDirectory("agentos-mcp-stdio");
        using var mcp = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["mcp", "--as", "alice", "--data", temp.Path, "--mcp-conformance-fixtures"]);
        await SendAsync(mcp, Initialize);
        await AnswerAsync(mcp, "1");
        // test_sampling asks the client's model and waits: the request stays in flight until the client cancels it.
        await SendAsync(mcp, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_sampling","arguments":{"prompt":"hi"}}}""");
        var asked = await MessageAsync(mcp, m => m.TryGetProperty("method", out var method) && method.GetString() == "sampling/createMessage");
        string samplingId = asked.GetProperty("id").GetRawText();
        await SendAsync(mcp, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"the user gave up"}}""");
        var withdrawn = await MessageAsync(mcp, m => m.TryGetProperty("method", out var method) && method.GetString() == "notifications/cancelled");
        Assert.Equal(samplingId, withdrawn.GetProperty("params").GetProperty("requestId").GetRawText(), "the tool's syscall was cancelled, so its own request to the client is withdrawn");
        await SendAsync(mcp, """{"jsonrpc":"2.0","id":3,"method":"ping"}""");
        await AnswerAsync(mcp, "3");
        mcp.StandardInput.Close();
        Assert.Equal(0, await mcp.WaitForExitAsync(TimeSpan.FromSeconds(60)), mcp.Stderr);
        Assert.False(mcp.StdoutLines.Any(l => JsonDocument.Parse(l).RootElement.TryGetProperty("id", out var id) && id.GetRawText() == "2"), "a cancelled request gets no answer");
    }

    [Test(TimeoutSeconds = 60)]
    public async Task WithoutAnAgentItIsAUsageError()
    {
        using var mcp = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["mcp"]);
        Assert.Equal(2, await mcp.WaitForExitAsync(TimeSpan.FromSeconds(50)));
        Assert.Contains("--as AGENT is required", mcp.Stderr);
        Assert.Equal(0, mcp.StdoutLines.Count, "nothing but JSON-RPC on stdout, and here nothing at all");
    }

    private static async Task SendAsync(ChildProcess mcp, string line)
    {
        await mcp.StandardInput.WriteLineAsync(line);
        await mcp.StandardInput.FlushAsync();
    }

    private static Task<JsonElement> AnswerAsync(ChildProcess mcp, string rawId) =>
        MessageAsync(mcp, m => m.TryGetProperty("id", out var id) && id.GetRawText() == rawId && !m.TryGetProperty("method", out _));

    private static async Task<JsonElement> MessageAsync(ChildProcess mcp, Func<JsonElement, bool> match)
    {
        string line = await mcp.WaitForLineAsync(l => l.StartsWith('{') && Parse(l) is { } m && match(m), TimeSpan.FromSeconds(60));
        return Parse(line)!.Value;
    }

    private static JsonElement? Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
