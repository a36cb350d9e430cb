using System.Net;
using System.Text;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Kernel;
using AgentOS.Tools;

namespace AgentOS.Tests.Hosting;

/// <summary>The same agent against a kernel in this process and a kernel in a child `serve` process.</summary>
public sealed class RemotePortTests
{
    [Test(TimeoutSeconds = 120)]
    public async Task TheSameAgentGivesTheSameResultInProcessAndRemotely()
    {
        using var temp = new TempDirectory("agentos-remote");
        string local;
        var options = new KernelOptions { DataDirectory = temp.Combine("local") };
        options.Tools.AddBuiltIns();
        await using (var kernel = AgentKernel.Start(options))
        {
            kernel.RegisterIdentity("tour");
            local = await new TourAgent().RunAsync(new AgentContext("tour", kernel.Port), "hi there");
        }

        using var serve = await ServeProcess.StartAsync(temp.Combine("remote"), "--agents", "tour");
        using var port = serve.CreatePort();
        var remote = await new TourAgent().RunAsync(new AgentContext("tour", port), "hi there");
        Assert.Equal(local, remote);
        Assert.Contains("tool: 42", remote);

        // A streamed answer arrives piece by piece over HTTP (server-sent events), as in-process.
        var streamed = new List<string>();
        await foreach (var piece in new AgentContext("tour", port).Planning.StreamAsync("one two three"))
        {
            streamed.Add(piece);
        }
        Assert.SequenceEqual(["one ", "two ", "three"], streamed);

        // The server's own agent, run by name over HTTP.
        Assert.Equal("ping", await port.RunAgentAsync("echo", "ping"));

        // The child's audit log shows the remote syscalls arriving: one allowed decision for each of the tour's ten
        // and the streamed one (allowed decisions are written in batches, so wait for the batch).
        var auditPath = Path.Combine(serve.DataDirectory, "audit.jsonl");
        IReadOnlyList<AgentOS.Access.AuditRecord> tour = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && tour.Sum(r => r.Decisions) < 11; await Task.Delay(50))
        {
            tour = File.Exists(auditPath) ? [.. AgentOS.Access.AuditLog.ReadFile(auditPath).Where(r => r.Agent == "tour")] : [];
        }
        Assert.Equal(11, tour.Sum(r => r.Decisions));
        Assert.True(tour.All(r => r.Decision == AgentOS.Access.AuditDecision.Allowed));
        Assert.SequenceEqual(["Llm:2", "Memory:3", "Storage:5", "Tool:1"],
            tour.GroupBy(r => r.Resource).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Sum(r => r.Decisions)}"));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AnIrreversibleRemoteSyscallWaitsForAnApprovalGivenOverHttp()
    {
        using var temp = new TempDirectory("agentos-approvals");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--agents", "alice");
        using var port = serve.CreatePort();
        using var http = serve.CreateClient();
        var alice = new AgentContext("alice", port);
        await alice.Storage.WriteTextAsync("agents/alice/old.txt", "old");

        var deleting = alice.Storage.DeleteAsync("agents/alice/old.txt").AsTask();
        string pending = "[]";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && pending == "[]"; await Task.Delay(50))
        {
            pending = await http.GetStringAsync("v1/approvals");
        }
        using var list = System.Text.Json.JsonDocument.Parse(pending);
        var approval = list.RootElement[0];
        Assert.Equal("alice", approval.GetProperty("agent").GetString());
        Assert.Equal("agents/alice/old.txt", approval.GetProperty("target").GetString());
        Assert.False(deleting.IsCompleted, "the delete waits for its approval");

        using var wrongId = await http.PostAsync("v1/approvals/999999", new StringContent("""{"approve":true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, wrongId.StatusCode);
        using var approved = await http.PostAsync($"v1/approvals/{approval.GetProperty("id").GetInt64()}", new StringContent("""{"approve":true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, approved.StatusCode);
        await deleting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await alice.Storage.ListAsync("agents/alice/")).Count);
        // The audit names the authenticated approver (serve's admin token), and the admin as acting for alice.
        var approvedRecord = AgentOS.Access.AuditLog.ReadFile(Path.Combine(serve.DataDirectory, "audit.jsonl")).Single(r => r.Decision == AgentOS.Access.AuditDecision.Approved);
        Assert.Equal("admin", approvedRecord.Approver);
        Assert.Equal("admin", approvedRecord.ActedBy);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task BadRequestsGetJsonErrorsAndChangeNothing()
    {
        using var temp = new TempDirectory("agentos-http");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--agents", "alice", "--max-body", "4096");
        using var http = serve.CreateClient();

        async Task<(HttpStatusCode Status, string Body)> Post(string path, string body)
        {
            using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var malformed = await Post("v1/syscalls", "{ this is not json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("\"code\":\"invalid_request\"", malformed.Body);

        var noQuery = await Post("v1/syscalls", """{"agent_id":"alice"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noQuery.Status);
        Assert.Contains("exactly one query", noQuery.Body);

        var unknownKind = await Post("v1/syscalls", """{"agent_id":"alice","teleport":{"to":"mars"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknownKind.Status);
        Assert.Contains("exactly one query", unknownKind.Body);

        var oversized = await Post("v1/syscalls", "{\"agent_id\":\"" + new string('a', 8000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.Status);
        Assert.Contains("larger than the limit of 4096 bytes", oversized.Body);

        var denied = await Post("v1/syscalls", """{"agent_id":"mallory","llm":{"messages":[{"role":"user","content":"hi"}]}}""");
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Contains("\"code\":\"permission_denied\"", denied.Body);

        var traversal = await Post("v1/syscalls", """{"agent_id":"alice","storage":{"operation":"Write","path":"agents/alice/../bob/x","data":"eA=="}}""");
        Assert.Equal(HttpStatusCode.BadRequest, traversal.Status);

        var unknownAgent = await Post("v1/agents/nobody/run", """{"input":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknownAgent.Status);
        Assert.Contains("No agent is named 'nobody'", System.Text.Json.JsonDocument.Parse(unknownAgent.Body).RootElement.GetProperty("error").GetProperty("message").GetString());

        using (var notFound = await http.GetAsync("v1/nowhere"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }
        using (var wrongMethod = await http.GetAsync("v1/syscalls"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        }

        var status = await http.GetStringAsync("v1/status");
        Assert.Contains("\"admitted\":0", status);
        Assert.DoesNotContain("\"admitted\":1", status);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ATokenProtectedServerRefusesRequestsWithoutIt()
    {
        using var temp = new TempDirectory("agentos-token");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--agents", "alice", "--token", "s3cret");
        using var anonymous = new RemoteKernelPort(serve.Url);
        var denied = await Assert.ThrowsAsync<BackendFailedException>(async () => await anonymous.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello }));
        Assert.Contains("Authorization: Bearer", denied.Message);

        using var authorized = new RemoteKernelPort(serve.Url, "s3cret");
        var answer = await authorized.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello });
        Assert.Equal("hello", answer.Llm!.Content);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task TheEventStreamShowsRemoteSyscallsAsTheyHappen()
    {
        using var temp = new TempDirectory("agentos-sse");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--agents", "alice");
        using var http = serve.CreateClient();
        using var response = await http.GetAsync("v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": agentos event stream", await reader.ReadLineAsync());

        using var port = serve.CreatePort();
        var answer = await port.SubmitAsync(new SyscallRequest { AgentId = "alice", Llm = TestQueries.Hello });
        var stages = new List<string>();
        while (stages.Count < 3)
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line is not null && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = System.Text.Json.JsonDocument.Parse(line["data: ".Length..]);
                Assert.Equal(answer.SyscallId, json.RootElement.GetProperty("syscall_id").GetInt64());
                Assert.Equal("alice", json.RootElement.GetProperty("agent_id").GetString());
                stages.Add(json.RootElement.GetProperty("stage").GetString()!);
            }
            else if (line is not null && line.Length > 0)
            {
                Assert.Equal("event: agentos.syscall", line);
            }
        }
        Assert.SequenceEqual(["Submitted", "Dispatched", "Completed"], stages);
    }

    [Test]
    public async Task ANonLoopbackBindWithoutAuthenticationIsRefused()
    {
        using var temp = new TempDirectory("agentos-bind");
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["serve", "--data", temp.Path, "--host", "0.0.0.0", "--insecure-no-auth"]);
        Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("without authentication would let anyone on the network act as an administrator", child.Stderr);
    }
}
