using System.Text;
using System.Text.Json;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// Malformed requests get a 400 whose typed error names the field, and change nothing; each case here once answered
/// a 5xx (or stored what it then refused). A genuine fault inside the kernel still answers 500.
/// </summary>
public sealed class HttpRefusalTests
{
    [Test]
    public async Task AnImportanceTooLargeForAFloatIsRefusedAndNothingIsStored()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        string before = await fuzz.FingerprintAsync();
        var (status, body) = await PostAsync(fuzz, "v1/syscalls", """
            {"agent_id": "alice", "memory": {"operation": "add", "content": "huge", "importance": 1e39}}
            """);
        AssertRefused(400, "memory.importance must be a finite number", status, body);
        Assert.Equal(before, await fuzz.FingerprintAsync());
        Assert.Equal(2L, fuzz.Kernel.Memory.CountItems("alice"));

        // Searches and gets still answer; the in-process port refuses the same query the same way.
        var (searched, found) = await PostAsync(fuzz, "v1/syscalls", """{"agent_id": "alice", "memory": {"operation": "search", "text": "huge tea"}}""");
        Assert.Equal(200, searched, found);
        before = await fuzz.FingerprintAsync(); // the search was an allowed read: audited
        var error = await Assert.ThrowsAsync<InvalidRequestException>(async () => await fuzz.Kernel.Port.SubmitAsync(new SyscallRequest
        {
            AgentId = "alice",
            Memory = new MemoryQuery { Operation = MemoryOperation.Add, Content = "nan", Importance = float.NaN },
        }));
        Assert.Contains("memory.importance", error.Message);
        Assert.Equal(before, await fuzz.FingerprintAsync());
    }

    [Test]
    public async Task MalformedSyscallsAre400sThatNameTheField()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        string before = await fuzz.FingerprintAsync();
        (string Body, string Field)[] cases =
        [
            ("""{"agent_id": "alice", "llm": {"messages": [{"role": "user"}]}}""", "llm.messages[0].content"),
            ("""{"agent_id": "alice", "llm": {"messages": [{"content": "hi"}]}}""", "llm.messages[0].role"),
            ("""{"agent_id": "alice", "llm": {"messages": [null]}}""", "llm.messages[0]"),
            ("""{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "hi"}], "max_tokens": -1}}""", "llm.max_tokens"),
            ("""{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}}""", "llm.max_tokens"),
            ("""{"agent_id": "alice", "llm": {"messages": []}}""", "llm.messages"),
            ("""{"agent_id": "alice", "storage": {"operation": "list", "path": null}}""", "storage.path"),
            ("""{"agent_id": "alice", "storage": {"operation": "write", "path": "agents/alice/x"}}""", "storage.data"),
            ("""{"agent_id": "alice", "storage": {"operation": "rollback", "path": "agents/alice/notes.txt"}}""", "storage rollback"),
            ("""{"agent_id": "alice", "storage": {"operation": "read", "path": "agents/alice/notes.txt", "version": -1}}""", "storage.version"),
            ("""{"agent_id": "alice", "memory": {"operation": "search", "text": "tea", "limit": 0}}""", "memory.limit"),
            ("""{"agent_id": "alice", "memory": {"operation": "add", "content": "x", "tags": [null]}}""", "memory.tags[0]"),
            ("""{"agent_id": "alice", "memory": {"operation": 99, "content": "x"}}""", "memory.operation"),
            ("""{"agent_id": null, "memory": {"operation": "add", "content": "x"}}""", "agent_id"),
            ("""{"agent_id": "alice", "estimated_cost": -1, "memory": {"operation": "add", "content": "x"}}""", "estimated_cost"),
            ("""{"agent_id": "alice", "tool": {"call": {"arguments": {}}}}""", "tool.call"),
        ];
        foreach (var (request, field) in cases)
        {
            var (status, body) = await PostAsync(fuzz, "v1/syscalls", request);
            AssertRefused(400, field, status, body);
            var (streamed, streamedBody) = await PostAsync(fuzz, "v1/syscalls?stream=true", request);
            Assert.True(streamed == 400, $"streamed {request}: {streamed} {streamedBody}");
        }
        Assert.Equal(before, await fuzz.FingerprintAsync());
    }

    [Test]
    public async Task ARunWithoutInputAndAnApprovalWithoutADecisionAre400s()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        string before = await fuzz.FingerprintAsync();
        var (run, runBody) = await PostAsync(fuzz, "v1/agents/echo/run", "{}");
        AssertRefused(400, "input", run, runBody);
        var (decide, decideBody) = await PostAsync(fuzz, "v1/approvals/1", "{}");
        AssertRefused(400, "approve", decide, decideBody);
        Assert.Equal(before, await fuzz.FingerprintAsync());
        var echo = fuzz.Kernel.Status.Agents.Single(a => a.Name == "echo");
        Assert.Equal(0L, echo.Completed + echo.Failed + echo.Running);
    }

    [Test]
    public async Task AGenuineFaultInsideTheKernelStillAnswers500()
    {
        await using var fuzz = await FuzzServer.StartAsync();
        fuzz.Kernel.RegisterAgent("broken", () => new BrokenAgent(), groups: ["fuzzed"]);
        var (status, body) = await PostAsync(fuzz, "v1/agents/broken/run", """{"input": "go"}""");
        Assert.Equal(500, status, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("internal", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("injected fault", body);
    }

    private sealed class BrokenAgent : Agent
    {
        public override Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("injected fault");
    }

    internal static void AssertRefused(int expectedStatus, string field, int status, string body)
    {
        Assert.Equal(expectedStatus, status, body);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString(), body);
        Assert.Contains(field, error.GetProperty("message").GetString(), body);
    }

    internal static async Task<(int Status, string Body)> PostAsync(FuzzServer fuzz, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await fuzz.Http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
