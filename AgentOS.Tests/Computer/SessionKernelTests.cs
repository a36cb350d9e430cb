using System.Collections.Concurrent;
using System.Text.Json;
using AgentOS.Access;
using AgentOS.Computer;
using AgentOS.Computer.Sessions;
using AgentOS.Hosting.Http;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer;

/// <summary>Sessions as a kernel resource: tool syscalls, grants, ownership, events, audit, status.</summary>
[RequiresBubblewrap]
public sealed class SessionKernelTests
{
    private static readonly string[] SessionTools = [.. SessionManager.ToolNames];

    private static KernelOptions Options(string data, bool unisolated = false) => new()
    {
        DataDirectory = data,
        Computer = new ComputerOptions { UnisolatedWithKernelPrivileges = unisolated, Limits = new() { DiskBytes = 4L << 20 } },
        Access = AccessPolicy.CreateBuilder()
            .AddGroup("computer-users", g => g.AllowTools(SessionTools).LimitSessions(2, diskBytes: 2L << 20))
            .AddGroup("plain", g => g.AllowTools("math.add"))
            .Build(),
    };

    private static async Task<string> CreateAsync(AgentContext agent, string args = "{}")
    {
        var created = await agent.Action.CallAsync("session.create", args);
        Assert.False(created.IsError, created.Output);
        return created.Structured!.Value.GetProperty("session_id").GetString()!;
    }

    [Test(TimeoutSeconds = 90)]
    public async Task AnAgentCreatesUsesAndDestroysASessionThroughToolSyscallsWithEventsAndStatus()
    {
        using var temp = new TempDirectory("agentos-sessions");
        await using var kernel = AgentKernel.Start(Options(temp.Path));
        kernel.RegisterIdentity("alice", ["computer-users"]);
        var events = new ConcurrentQueue<SessionEvent>();
        using var subscription = kernel.Events.Subscribe<SessionEvent>(events.Enqueue);
        var alice = new AgentContext("alice", kernel.Port);

        var id = await CreateAsync(alice);
        var run = await alice.Action.CallAsync("terminal.run", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["command"] = "echo hi > f; cat f; echo oops >&2; exit 4" }));
        var status = kernel.Status.Computer!;
        var listed = await alice.Action.CallAsync("session.list");
        var destroyed = await alice.Action.CallAsync("session.destroy", $$"""{"session_id":"{{id}}"}""");

        Assert.False(run.IsError);
        Assert.Equal("hi\n", run.Structured!.Value.GetProperty("stdout").GetString());
        Assert.Equal("oops\n", run.Structured!.Value.GetProperty("stderr").GetString());
        Assert.Equal(4, run.Structured!.Value.GetProperty("exit_code").GetInt32());
        Assert.Contains("exit 4", run.Output);
        Assert.Equal("bubblewrap", status.Sandbox);
        Assert.True(status.Isolated);
        Assert.Equal(id, Assert.NotNull(status.Sessions.SingleOrDefault()).Id);
        Assert.Equal(2L << 20, status.Sessions[0].DiskLimitBytes); // the group's session_disk_bytes, under the kernel's 4 MiB
        Assert.Equal(id, listed.Structured!.Value.GetProperty("sessions")[0].GetProperty("id").GetString());
        Assert.False(destroyed.IsError, destroyed.Output);
        Assert.Equal(0, kernel.Status.Computer!.Sessions.Count);
        await WaitForAsync(() => events.Any(e => e.Stage == SessionStage.Destroyed));
        var stages = events.Where(e => e.Session == id).Select(e => e.Stage).ToList();
        Assert.SequenceEqual([SessionStage.Created, SessionStage.CommandStarted, SessionStage.CommandFinished, SessionStage.Destroyed], stages);
        var finished = events.Single(e => e.Stage == SessionStage.CommandFinished);
        Assert.Equal(4, finished.ExitCode);
        Assert.Equal(8L, finished.Bytes); // "hi\n" + "oops\n"
        Assert.True(finished.DurationMs > 0);
    }

    [Test(TimeoutSeconds = 90)]
    public async Task GrantsLimitSessionsAtOnceAndWorkspaceBytesAndAreAudited()
    {
        using var temp = new TempDirectory("agentos-sessions");
        await using var kernel = AgentKernel.Start(Options(temp.Path));
        kernel.RegisterIdentity("alice", ["computer-users"]);
        kernel.RegisterIdentity("carol", ["plain"]);
        var alice = new AgentContext("alice", kernel.Port);

        await CreateAsync(alice);
        await CreateAsync(alice, """{"disk_bytes":65536}""");
        var third = await alice.Action.CallAsync("session.create");
        var tooBig = await alice.Action.CallAsync("session.create", """{"disk_bytes":3000000}""");
        var ungranted = await Assert.ThrowsAsync<PermissionDeniedException>(async () => await new AgentContext("carol", kernel.Port).Action.CallAsync("session.create"));

        Assert.True(third.IsError);
        Assert.Contains("BudgetExceededException", third.Output);
        Assert.Contains("max_sessions 2", third.Output);
        Assert.True(tooBig.IsError);
        Assert.Contains("session_disk_bytes", tooBig.Output);
        Assert.Contains("session.create", ungranted.Message);
        Assert.Equal(2, kernel.Status.Computer!.Sessions.Count);
        await kernel.Audit.FlushAsync();
        var denials = kernel.Audit.ReadAll().Where(r => r.Decision == AuditDecision.Denied && r.Agent == "alice").ToList();
        Assert.Equal(2, denials.Count(r => r.Reason == DenialReason.BudgetExceeded && r.Target == "session.create"));
    }

    [Test(TimeoutSeconds = 90)]
    public async Task AnotherAgentsSessionIsUnknownToTheCallerAndTheAttemptIsAViolation()
    {
        using var temp = new TempDirectory("agentos-sessions");
        await using var kernel = AgentKernel.Start(Options(temp.Path));
        kernel.RegisterIdentity("alice", ["computer-users"]);
        kernel.RegisterIdentity("mallory", ["computer-users"]);
        var events = new ConcurrentQueue<SessionEvent>();
        using var subscription = kernel.Events.Subscribe<SessionEvent>(events.Enqueue);
        var id = await CreateAsync(new AgentContext("alice", kernel.Port));
        var mallory = new AgentContext("mallory", kernel.Port);

        var run = await mallory.Action.CallAsync("terminal.run", $$"""{"session_id":"{{id}}","command":"echo in"}""");
        var destroy = await mallory.Action.CallAsync("session.destroy", $$"""{"session_id":"{{id}}"}""");
        var unknown = await mallory.Action.CallAsync("terminal.run", """{"session_id":"s-0000000000000000","command":"echo in"}""");

        Assert.True(run.IsError);
        Assert.Contains("InvalidRequestException", run.Output);
        Assert.Equal(run.Output.Replace(id, "X", StringComparison.Ordinal), unknown.Output.Replace("s-0000000000000000", "X", StringComparison.Ordinal)); // no oracle
        Assert.True(destroy.IsError);
        Assert.Equal(1, kernel.Status.Computer!.Sessions.Count); // still alice's
        var resolved = kernel.Sessions!.Resolver(new AgentOS.Tools.ToolCallContext("alice", 1), id);
        Assert.Equal("alice", resolved.OwnerAgentId);
        Assert.Throws<InvalidRequestException>(() => kernel.Sessions.Resolver(new AgentOS.Tools.ToolCallContext("mallory", 2), id));
        await WaitForAsync(() => events.Count(e => e.Stage == SessionStage.Violation) >= 3);
        Assert.True(events.Where(e => e.Stage == SessionStage.Violation).All(e => e.Agent == "mallory" && e.Session == id));
        await kernel.Audit.FlushAsync();
        Assert.True(kernel.Audit.ReadAll().Count(r => r.Agent == "mallory" && r.Decision == AuditDecision.Denied && r.Target == $"session:{id}") >= 3);
    }

    [Test(TimeoutSeconds = 90)]
    public async Task ConnectingToTheKernelsHttpPortFailsFromTheSandboxAndWorksUnisolated()
    {
        foreach (var unisolated in new[] { true, false })
        {
            using var temp = new TempDirectory("agentos-sessions");
            await using var kernel = AgentKernel.Start(Options(temp.Path, unisolated));
            var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "probe-token" });
            try
            {
                kernel.RegisterIdentity("alice", ["computer-users"]);
                var alice = new AgentContext("alice", kernel.Port);
                var id = await CreateAsync(alice);
                // Any HTTP answer proves the connection (unauthenticated, the kernel answers 401).
                var probe = $"exec 3<>/dev/tcp/{server.Url.Host}/{server.Url.Port} && printf 'GET /v1/health HTTP/1.0\\r\\n\\r\\n' >&3 && head -c 8 <&3";
                var run = await alice.Action.CallAsync("terminal.run", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["command"] = probe }));
                var stdout = run.Structured!.Value.GetProperty("stdout").GetString();
                if (unisolated)
                {
                    Assert.Equal("HTTP/1.1", stdout, run.Output);
                    Assert.False(kernel.Status.Computer!.Isolated);
                    Assert.Contains("NO ISOLATION", kernel.Status.Computer!.Description);
                    await kernel.Audit.FlushAsync();
                    Assert.Contains("NO ISOLATION", kernel.Audit.ReadAll().Single(r => r.Target == "computer.sandbox").Message);
                }
                else
                {
                    Assert.Equal("", stdout);
                    Assert.NotEqual(0, run.Structured!.Value.GetProperty("exit_code").GetInt32());
                }
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
    }

    [Test(TimeoutSeconds = 90)]
    public async Task APromptingProgramIsAnsweredThroughTheTerminalToolsAndTheSessionIsInHttpStatus()
    {
        using var temp = new TempDirectory("agentos-sessions");
        await using var kernel = AgentKernel.Start(Options(temp.Path));
        var server = KernelHttpServer.Start(kernel, new HttpServerOptions { BearerToken = "status-token" });
        try
        {
            kernel.RegisterIdentity("alice", ["computer-users"]);
            var events = new ConcurrentQueue<SessionEvent>();
            using var subscription = kernel.Events.Subscribe<SessionEvent>(events.Enqueue);
            var alice = new AgentContext("alice", kernel.Port);
            var id = await CreateAsync(alice);
            await CreateAsync(alice);

            var third = await alice.Action.CallAsync("session.create");
            var prompt = await alice.Action.CallAsync("terminal.start", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["command"] = "read -p 'Proceed? [y/n] ' a; [ \"$a\" = y ] && echo done; exit 5", ["wait_for"] = "[y/n] " }));
            var answer = await alice.Action.CallAsync("terminal.send", JsonSerializer.Serialize(new Dictionary<string, string> { ["session_id"] = id, ["input"] = "y\n" }));
            using var http = new HttpClient { BaseAddress = server.Url };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "status-token");
            var status = await http.GetStringAsync("v1/status");

            Assert.True(third.IsError);
            Assert.False(prompt.IsError, prompt.Output);
            Assert.Equal("Proceed? [y/n] ", prompt.Structured!.Value.GetProperty("output").GetString());
            Assert.True(prompt.Structured!.Value.GetProperty("running").GetBoolean());
            Assert.False(answer.IsError, answer.Output);
            Assert.Equal("y\ndone\n", answer.Structured!.Value.GetProperty("output").GetString());
            Assert.Equal(5, answer.Structured!.Value.GetProperty("exit_code").GetInt32());
            Assert.Contains("ended, exit 5", answer.Output);
            Assert.Contains(id, status);
            Assert.Contains("bubblewrap", status);
            await WaitForAsync(() => events.Any(e => e.Stage == SessionStage.CommandFinished));
            Assert.Contains("max_sessions 2", events.Single(e => e.Stage == SessionStage.LimitHit).Detail!);
            var finished = events.Single(e => e.Stage == SessionStage.CommandFinished);
            Assert.Equal(5, finished.ExitCode);
            Assert.Equal(id, finished.Session);
            Assert.Equal(1, events.Count(e => e.Stage == SessionStage.CommandStarted));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task IdleSessionsExpireOnTheKernelsClock()
    {
        var time = new AgentOS.Time.ManualTimeProvider();
        var options = new ComputerOptions { IdleTimeout = TimeSpan.FromMinutes(10) };
        await using var fixture = new SandboxFixture(options, time);
        var events = new ConcurrentQueue<SessionEvent>();
        using var subscription = fixture.Events.Subscribe<SessionEvent>(events.Enqueue);
        var idle = await fixture.Sandboxed.CreateAsync("alice");
        var busy = await fixture.Sandboxed.CreateAsync("alice");

        time.Advance(TimeSpan.FromMinutes(6));
        await fixture.Sandboxed.RunAsync("alice", busy.Id, "true");
        time.Advance(TimeSpan.FromMinutes(6));

        Assert.SequenceEqual([busy.Id], fixture.Sandboxed.List("alice").Select(s => s.Id));
        Assert.False(Directory.Exists(idle.WorkspaceHostPath));
        await WaitForAsync(() => events.Any(e => e.Stage == SessionStage.Destroyed));
        Assert.Contains("idle", events.Single(e => e.Stage == SessionStage.Destroyed).Detail!);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task DestroyKillsEveryProcessOfTheSessionAndRemovesItsWorkspace()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.RunAsync("alice", s.Id, "(setsid sleep 1000 &) ; echo x > f");
        int uid = s.Instance.HostUserId;
        Assert.True(ProcessesOf(uid) > 0);

        fixture.Sandboxed.Destroy("alice", s.Id);

        Assert.Equal(0, ProcessesOf(uid));
        Assert.False(Directory.Exists(s.WorkspaceHostPath));
        Assert.DoesNotContain(s.WorkspaceHostPath, File.ReadAllText("/proc/self/mountinfo"));
    }

    // Live processes only: a killed one stays a zombie until its parent reaps it, and that one is dead already.
    internal static int ProcessesOf(int uid) =>
        Directory.EnumerateDirectories("/proc").Count(d =>
        {
            try
            {
                return int.TryParse(Path.GetFileName(d), out _) && File.ReadAllText(d + "/status") is var status && status.Contains($"\nUid:\t{uid}\t", StringComparison.Ordinal) && !status.Contains("\nState:\tZ", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
