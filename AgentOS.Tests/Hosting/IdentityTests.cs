using System.Net;
using System.Text;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Sdk;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// Issue 12, "Identity and authorization", against a real <c>serve</c>: every endpoint authenticates through the one
/// credential table, a request acts as its caller, acting for another agent and deciding approvals need grants of
/// their own, and the audit says who really asked.
/// </summary>
public sealed class IdentityTests
{
    private const string ReadBob = """{"agent_id":"bob","storage":{"operation":"Read","path":"agents/bob/secret.txt"}}""";

    [Test(TimeoutSeconds = 120)]
    public async Task ARequestWithoutCredentialsReadsNothingOnAnyEndpoint()
    {
        using var temp = new TempDirectory("agentos-identity");
        // Started as in the issue: agents' API keys only (serve adds its own admin token file).
        using var serve = await ServeProcess.StartBareAsync(temp.Path, "--api-key", "sk-a=alice", "--api-key", "sk-b=bob");
        await new AgentContext("bob", serve.CreatePort("sk-b")).Storage.WriteTextAsync("agents/bob/secret.txt", "bob's secret");

        // The attack from the issue: no credentials, bob's storage through /v1/syscalls.
        using var anonymous = new HttpClient { BaseAddress = serve.Url };
        using (var response = await Post(anonymous, "v1/syscalls", ReadBob))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            string body = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"code\":\"unauthorized\"", body);
            Assert.False(body.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("bob's secret")), StringComparison.Ordinal), body);
        }
        using (var response = await Post(anonymous, "v1/syscalls?stream=true", """{"agent_id":"bob","llm":{"messages":[{"role":"user","content":"hi"}]}}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        foreach (var path in new[] { "v1/status", "v1/agents", "v1/events", "v1/approvals", "v1/models" })
        {
            using var response = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode, path);
        }
        using (var response = await Post(anonymous, "v1/agents/echo/run", """{"input":"x"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var response = await Post(anonymous, "v1/chat/completions", """{"model":"echo","messages":[{"role":"user","content":"hi"}]}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // An unknown token, and a known one with a mismatched agent_id.
        using var guesser = serve.CreateClient("sk-guess");
        using (var response = await Post(guesser, "v1/syscalls", ReadBob))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.Single().Parameter);
        }
        using var alice = serve.CreateClient("sk-a");
        using (var response = await Post(alice, "v1/syscalls", ReadBob))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("permission_denied", error.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal("act_for", error.RootElement.GetProperty("error").GetProperty("grant").GetString());
        }
        // Nor may alice start another agent, which would act with its grants.
        using (var response = await Post(alice, "v1/agents/echo/run", """{"input":"x"}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        // Bob's own key reads it; the audit shows no read of bob's file by anyone else.
        using var bob = serve.CreateClient("sk-b");
        using (var response = await Post(bob, "v1/syscalls", ReadBob))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await WaitForAuditAsync(serve, records => records.Any(r => r.Target == "agents/bob/secret.txt" && r.Operation == AccessOperation.Read));
        var reads = ReadAudit(serve).Where(r => r.Target == "agents/bob/secret.txt" && r.Operation == AccessOperation.Read).ToList();
        Assert.Equal(1, reads.Count);
        Assert.Null(ActedBy(reads[0]));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task DecidingAnApprovalNeedsTheGrantAndTheAuditNamesTheAuthenticatedApprover()
    {
        using var temp = new TempDirectory("agentos-identity-approve");
        using var serve = await ServeProcess.StartBareAsync(temp.Path, "--api-key", "sk-a=alice", "--api-key", "sk-b=bob");
        var aliceAgent = new AgentContext("alice", serve.CreatePort("sk-a"));
        await aliceAgent.Storage.WriteTextAsync("agents/alice/old.txt", "old");
        var deleting = aliceAgent.Storage.DeleteAsync("agents/alice/old.txt").AsTask();

        using var alice = serve.CreateClient("sk-a");
        long id = await WaitForPendingAsync(alice); // alice sees her own pending request
        // The attack from the issue: an unauthenticated approval of alice's delete, under a name of the caller's choice.
        using var anonymous = new HttpClient { BaseAddress = serve.Url };
        using (var response = await Post(anonymous, $"v1/approvals/{id}", """{"approve":true,"approver":"alice"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var admin = serve.CreateClient(File.ReadAllText(Path.Combine(temp.Path, "admin-token")).Trim());
        using var bob = serve.CreateClient("sk-b");
        using (var response = await Post(alice, $"v1/approvals/{id}", """{"approve":true}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("\"grant\":\"approve\"", await response.Content.ReadAsStringAsync());
        }
        // The caller may not name another approver for the audit.
        using (var response = await Post(admin, $"v1/approvals/{id}", """{"approve":true,"approver":"mallory"}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.False(deleting.IsCompleted, "no refused decision decided anything");
        // The list shows alice her own pending request, bob nothing, the admin everything.
        Assert.Equal(1, JsonDocument.Parse(await alice.GetStringAsync("v1/approvals")).RootElement.GetArrayLength());
        Assert.Equal(0, JsonDocument.Parse(await bob.GetStringAsync("v1/approvals")).RootElement.GetArrayLength());

        using (var response = await Post(admin, $"v1/approvals/{id}", """{"approve":true}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        await deleting.WaitAsync(TimeSpan.FromSeconds(30));
        var approved = ReadAudit(serve).Single(r => r.Decision == AuditDecision.Approved);
        Assert.Equal("alice", approved.Agent);
        Assert.Equal("admin", approved.Approver);
        Assert.Null(ActedBy(approved));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ActingForAnotherAgentNeedsTheGrantAndTheAuditSaysWhoActed()
    {
        using var temp = new TempDirectory("agentos-identity-actfor");
        string policy = temp.Combine("policy.json");
        File.WriteAllText(policy, """
            {
              "groups": [
                { "name": "orchestrators", "act_for": ["worker"] },
                { "name": "plain" },
                { "name": "agents", "llm_backends": ["*"] }
              ],
              "agents": [ { "id": "orch", "groups": ["orchestrators"] }, { "id": "worker", "groups": ["plain"] }, { "id": "alice", "groups": ["plain"] } ]
            }
            """);
        using var serve = await ServeProcess.StartAsync(temp.Combine("data"), "--policy", policy, "--api-key", "sk-o=orch", "--api-key", "sk-w=worker");
        using var orch = serve.CreateClient("sk-o");
        using var worker = serve.CreateClient("sk-w");
        using (var response = await Post(orch, "v1/syscalls", """{"agent_id":"worker","storage":{"operation":"Write","path":"agents/worker/task.txt","data":"eA=="}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        using (var response = await Post(orch, "v1/syscalls", """{"agent_id":"alice","storage":{"operation":"Write","path":"agents/alice/task.txt","data":"eA=="}}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using (var response = await Post(worker, "v1/syscalls", """{"agent_id":"orch","storage":{"operation":"Write","path":"agents/orch/x.txt","data":"eA=="}}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode, "act_for is not symmetric");
        }
        await WaitForAuditAsync(serve, records => records.Any(r => r.Target == "agents/worker/task.txt"));
        var record = ReadAudit(serve).Single(r => r.Target == "agents/worker/task.txt");
        Assert.Equal("worker", record.Agent);
        Assert.Equal("orch", ActedBy(record));
        Assert.Equal(AuditDecision.Allowed, record.Decision);
        Assert.False(ReadAudit(serve).Any(r => r.Target is "agents/alice/task.txt" or "agents/orch/x.txt"), "refused before the kernel saw them");
    }

    [Test(TimeoutSeconds = 120)]
    public async Task StatusAndEventsShowOnlyTheCallersOwnAgentsWithoutTheMonitorGrant()
    {
        using var temp = new TempDirectory("agentos-identity-status");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--api-key", "sk-a=alice", "--api-key", "sk-b=bob");
        using var alice = serve.CreateClient("sk-a");
        using var response = await alice.GetAsync("v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": agentos event stream", await reader.ReadLineAsync());

        await new AgentContext("bob", serve.CreatePort("sk-b")).Memory.AddAsync("bob's note");
        var mine = await serve.CreatePort("sk-a").SubmitAsync(new AgentOS.Syscalls.SyscallRequest
        {
            AgentId = "alice",
            Memory = new AgentOS.Syscalls.Queries.MemoryQuery { Operation = AgentOS.Syscalls.Queries.MemoryOperation.Add, Content = "alice's note" },
        });
        var seen = new List<string>();
        while (!seen.Contains($"alice:{mine.SyscallId}:Completed"))
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line is not null && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(line["data: ".Length..]);
                var e = json.RootElement;
                seen.Add($"{e.GetProperty("agent_id").GetString()}:{e.GetProperty("syscall_id").GetInt64()}:{e.GetProperty("stage").GetString()}");
            }
        }
        Assert.True(seen.All(s => s.StartsWith("alice:", StringComparison.Ordinal)), string.Join(", ", seen));

        using var status = JsonDocument.Parse(await alice.GetStringAsync("v1/status"));
        Assert.SequenceEqual(["alice"], status.RootElement.GetProperty("memory").GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()));
        Assert.Equal(0, status.RootElement.GetProperty("agents").GetArrayLength(), "the echo agent is not alice's");
        Assert.Equal("alice", status.RootElement.GetProperty("caller").GetString());
        Assert.Equal("bearer", status.RootElement.GetProperty("authentication").GetString());
        using var admin = serve.CreateClient();
        using var full = JsonDocument.Parse(await admin.GetStringAsync("v1/status"));
        Assert.SequenceEqual(["alice", "bob"], full.RootElement.GetProperty("memory").GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("agent").GetString()).Order(StringComparer.Ordinal));
        Assert.SequenceEqual(["echo"], full.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task ATokenRevokedInTheCredentialsFileIsRefusedOnItsNextRequestWithoutARestart()
    {
        using var temp = new TempDirectory("agentos-identity-revoke");
        string file = temp.Combine("credentials.json");
        File.WriteAllText(file, $$"""{ "credentials": [ { "agent": "carol", "token_sha256": "{{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("carol-token"u8))}}" } ] }""");
        using var serve = await ServeProcess.StartAsync(temp.Combine("data"), "--credentials", file);
        var carol = new AgentContext("carol", serve.CreatePort("carol-token"));
        await carol.Storage.WriteTextAsync("agents/carol/a.txt", "a");
        using var client = serve.CreateClient("carol-token");
        using (var response = await client.GetAsync("v1/status"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var events = await client.GetAsync("v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        using var stream = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal(": agentos event stream", await stream.ReadLineAsync());

        // Revoke carol, add dave: both take effect on the next request.
        File.WriteAllText(file + ".new", """{ "credentials": [ { "agent": "dave", "token": "dave-token" } ] }""");
        File.Move(file + ".new", file, overwrite: true);

        // Carol's open event stream does not go on showing her agent's events: the next one ends it with an error.
        await new AgentContext("carol", serve.CreatePort()).Storage.WriteTextAsync("agents/carol/b.txt", "b"); // the admin, acting for carol
        var rest = await stream.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("event: agentos.syscall", rest, "no event reaches a revoked stream");
        Assert.Contains("event: error", rest);
        Assert.Contains("\"unauthorized\"", rest);
        using (var response = await client.GetAsync("v1/status"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        await Assert.ThrowsAsync<AgentOS.Syscalls.Errors.BackendFailedException>(async () => await carol.Storage.ReadTextAsync("agents/carol/a.txt"));
        using var dave = serve.CreateClient("dave-token");
        using (var response = await dave.GetAsync("v1/status"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.False(serve.Child.HasExited);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task WithoutCredentialsServeCreatesAnAdminTokenOnlyItsOwnerMayRead()
    {
        using var temp = new TempDirectory("agentos-identity-admin");
        using var serve = await ServeProcess.StartBareAsync(temp.Path);
        string path = Path.Combine(temp.Path, "admin-token");
        await serve.Child.WaitForLineAsync(l => l.StartsWith("admin token in ", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.True(serve.Child.StderrLines.Any(l => l.Contains(path, StringComparison.Ordinal)), "serve prints where the token is");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        string token = File.ReadAllText(path).Trim();
        Assert.Equal(64, token.Length);
        Assert.False(serve.Child.StderrLines.Any(l => l.Contains(token, StringComparison.Ordinal)), "the token itself is not printed");

        using var admin = serve.CreateClient(token);
        using var status = JsonDocument.Parse(await admin.GetStringAsync("v1/status"));
        Assert.Equal("admin", status.RootElement.GetProperty("caller").GetString());
        using var anonymous = new HttpClient { BaseAddress = serve.Url };
        using var refused = await anonymous.GetAsync("v1/status");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task RunningWithoutAuthenticationIsExplicitAndReportedLoudly()
    {
        using var temp = new TempDirectory("agentos-identity-open");
        using var serve = await ServeProcess.StartAsync(temp.Path, "--insecure-no-auth", "--agents", "alice");
        await serve.Child.WaitForLineAsync(l => l.StartsWith("WARNING: AUTHENTICATION IS OFF", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.False(File.Exists(Path.Combine(temp.Path, "admin-token")));
        using var anonymous = new HttpClient { BaseAddress = serve.Url };
        using var status = JsonDocument.Parse(await anonymous.GetStringAsync("v1/status"));
        Assert.True(status.RootElement.GetProperty("authentication").GetString()!.StartsWith("none", StringComparison.Ordinal));
        Assert.Equal("anonymous", status.RootElement.GetProperty("caller").GetString());
        // Open means open: anyone acts for alice, and the audit still says it was an anonymous caller.
        await new AgentContext("alice", new RemoteKernelPort(serve.Url)).Storage.WriteTextAsync("agents/alice/x.txt", "x");
        await WaitForAuditAsync(serve, records => records.Any(r => r.Target == "agents/alice/x.txt"));
        Assert.Equal("anonymous", ActedBy(ReadAudit(serve).Single(r => r.Target == "agents/alice/x.txt")));
    }

    // Read through a method of its own, so the rest of each test also runs against a build that lacks the field.
    private static string? ActedBy(AuditRecord record) => record.ActedBy;

    private static async Task<HttpResponseMessage> Post(HttpClient http, string path, string json) =>
        await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<long> WaitForPendingAsync(HttpClient admin)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            using var list = JsonDocument.Parse(await admin.GetStringAsync("v1/approvals"));
            if (list.RootElement.GetArrayLength() > 0)
            {
                return list.RootElement[0].GetProperty("id").GetInt64();
            }
        }
        throw new TimeoutException("No approval became pending.");
    }

    private static IReadOnlyList<AuditRecord> ReadAudit(ServeProcess serve)
    {
        var path = Path.Combine(serve.DataDirectory, "audit.jsonl");
        return File.Exists(path) ? AuditLog.ReadFile(path) : [];
    }

    // Allowed decisions are written in batches: wait for the batch.
    private static async Task WaitForAuditAsync(ServeProcess serve, Func<IReadOnlyList<AuditRecord>, bool> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (done(ReadAudit(serve)))
            {
                return;
            }
        }
    }
}
