using AgentOS.Access;
using AgentOS.Kernel;
using AgentOS.Sdk;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Time;
using AgentOS.Tools;

namespace AgentOS.Tests.Kernel;

/// <summary>Permissions, budgets and approvals enforced on real syscalls through the kernel, and audited.</summary>
public sealed class KernelAccessTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new("agentos-kernel-access");
    private readonly ManualTimeProvider _time = new();
    private readonly ManualApprover _approver = new();
    private readonly AgentKernel _kernel;

    public KernelAccessTests()
    {
        var policy = AccessPolicy.CreateBuilder()
            .WithBudgetWindow(TimeSpan.FromMinutes(1))
            .AddGroup("workers", g => g.AllowTools("math.add").UseLlm("echo").LimitCalls(5))
            .AddGroup("librarians", g => g.AllowTools("*").UseLlm("*").ReadStorage("agents/alice").ReadMemoryOf("alice"))
            .AddAgent("alice", "workers")
            .AddAgent("bob", "librarians")
            .Build();
        var options = new KernelOptions { DataDirectory = _data.Path, TimeProvider = _time, Access = policy, Approver = _approver };
        options.Tools.AddBuiltIns(_time);
        _kernel = AgentKernel.Start(options);
    }

    public async ValueTask DisposeAsync()
    {
        await _kernel.StopAsync(drain: false);
        _data.Dispose();
    }

    private AgentContext Agent(string id) => new(id, _kernel.Port);

    // Issue 12: alice's list of "agents/alice" (no trailing slash) named the keys of "agents/alice2/".
    [Test]
    public async Task AListingEndsAtTheNamespacesSegmentForOwnAndGrantedNamespaces()
    {
        _kernel.RegisterIdentity("alice2", ["workers"]);
        await Agent("alice2").Storage.WriteTextAsync("agents/alice2/secret.txt", "s");
        await Agent("alice").Storage.WriteTextAsync("agents/alice/notes.txt", "n");
        Assert.SequenceEqual(["agents/alice/notes.txt"], (await Agent("alice").Storage.ListAsync("agents/alice")).Select(e => e.Path));
        Assert.SequenceEqual(["agents/alice/notes.txt"], (await Agent("alice").Storage.ListAsync("agents/alice/")).Select(e => e.Path));
        // bob's granted namespace "agents/alice" ends at its segment too.
        Assert.SequenceEqual(["agents/alice/notes.txt"], (await Agent("bob").Storage.ListAsync("agents/alice")).Select(e => e.Path));
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await Agent("alice").Storage.ListAsync("agents/ali"));
    }

    [Test]
    public async Task AnUngrantedToolOrAnUnknownAgentIsDeniedAndAudited()
    {
        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(async () => await Agent("alice").Action.CallAsync("math.multiply", """{"a":1,"b":2}"""));
        Assert.Contains("math.multiply", denied.Message);
        Assert.Equal("3", (await Agent("alice").Action.CallAsync("math.add", """{"a":1,"b":2}""")).Output);
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await Agent("mallory").Planning.ChatAsync("hi"));

        // Denials are on disk before the caller sees them.
        var records = AuditLog.ReadFile(_kernel.AuditLogPath);
        Assert.Contains(("alice", "math.multiply", AuditDecision.Denied), records.Select(r => (r.Agent, r.Target, r.Decision)));
        Assert.Contains(("mallory", AuditDecision.Denied, DenialReason.UnknownAgent), records.Select(r => (r.Agent, r.Decision, r.Reason)));
    }

    [Test]
    public async Task ACallsBudgetStopsTheAgentAtExactlyTheLimitUntilTheWindowEnds()
    {
        var alice = Agent("alice");
        for (int i = 0; i < 5; i++)
        {
            await alice.Planning.QueryAsync(TestQueries.Hello);
        }
        var over = await Assert.ThrowsAsync<BudgetExceededException>(async () => await alice.Planning.QueryAsync(TestQueries.Hello));
        Assert.Equal(TimeSpan.FromMinutes(1), over.RetryAfter);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("hello", (await alice.Planning.QueryAsync(TestQueries.Hello)).Content);
    }

    [Test]
    public async Task StorageAndMemoryStayInTheirNamespacesUnlessShared()
    {
        var alice = Agent("alice");
        var bob = Agent("bob");
        await alice.Storage.WriteTextAsync("agents/alice/diary.txt", "secret");
        await alice.Memory.AddAsync("alice likes tea");

        // bob's group reads alice's namespace and memory, but writes neither.
        Assert.Equal("secret", await bob.Storage.ReadTextAsync("agents/alice/diary.txt"));
        Assert.Equal(1, (await bob.Memory.SearchAsync("tea", owner: "alice")).Count);
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await bob.Storage.WriteTextAsync("agents/alice/diary.txt", "overwritten"));
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await bob.Memory.AddAsync("forged", owner: "alice"));
        // alice reads nothing of bob's.
        await bob.Storage.WriteTextAsync("agents/bob/x", "b");
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await alice.Storage.ReadTextAsync("agents/bob/x"));
        await Assert.ThrowsAsync<PermissionDeniedException>(async () => await alice.Memory.SearchAsync("tea", owner: "bob"));

        // Traversal never escapes: each is refused as an invalid path, and nothing changed.
        foreach (var hostile in new[] { "agents/alice/../bob/x", "/etc/passwd", "agents/alice/%2e%2e/bob/x", "agents/alice/．．/bob/x", "agents/alice/x\0y" })
        {
            var refused = await Assert.ThrowsAsync<InvalidRequestException>(async () => await alice.Storage.WriteTextAsync(hostile, "evil"));
            Assert.Contains("refused", refused.Message);
        }
        Assert.Equal("b", await bob.Storage.ReadTextAsync("agents/bob/x"));
        Assert.Equal("secret", await alice.Storage.ReadTextAsync("agents/alice/diary.txt"));
    }

    [Test]
    public async Task ADeleteWaitsForAHumanApprovalAndRunsOnlyIfApproved()
    {
        var alice = Agent("alice");
        await alice.Storage.WriteTextAsync("agents/alice/a.txt", "a");
        await alice.Storage.WriteTextAsync("agents/alice/b.txt", "b");

        var first = alice.Storage.DeleteAsync("agents/alice/a.txt").AsTask();
        var pending = await _approver.WaitForPendingAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("agents/alice/a.txt", pending.Request.Target);
        Assert.False(first.IsCompleted, "the delete waits for its approval");
        Assert.True(_approver.Approve(pending.Id, "test"));
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await alice.Storage.ListAsync("agents/alice/")).Count);

        var second = alice.Storage.DeleteAsync("agents/alice/b.txt").AsTask();
        var refused = await _approver.WaitForPendingAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_approver.Deny(refused.Id, "test", "keep it"));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("b", await alice.Storage.ReadTextAsync("agents/alice/b.txt"));

        var records = AuditLog.ReadFile(_kernel.AuditLogPath);
        Assert.Contains(("agents/alice/a.txt", AuditDecision.Approved), records.Select(r => (r.Target, r.Decision)));
        Assert.Contains(("agents/alice/b.txt", AuditDecision.Denied), records.Select(r => (r.Target, r.Decision)));
    }
}
