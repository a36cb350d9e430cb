using AgentOS.Access;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>Irreversible operations (storage deletes, tools marked irreversible) go through the approver, and every
/// approval and denial is on disk before the caller sees it.</summary>
public sealed class ApprovalTests
{
    private static readonly AccessRequest DeleteNotes = StorageAccess("alice", AccessOperation.Delete, "agents/alice/notes.txt");

    [Test]
    public async Task DenyAllDeniesAStorageDeleteAndTheDenialIsOnDiskBeforeTheCallerSeesIt()
    {
        using var fixture = new AccessFixture();
        var decision = await fixture.Manager.AuthorizeAsync(DeleteNotes);
        Assert.False(decision.Allowed);
        Assert.Equal(DenialReason.ApprovalDenied, decision.Reason);
        Assert.Contains("deny-all approver", decision.Message);
        Assert.Contains("agents/alice/notes.txt", decision.Message);

        // The crash check: the log is still open and nothing was flushed by hand, yet the record is in the file.
        var lines = File.ReadAllLines(fixture.AuditPath);
        Assert.Equal(2, lines.Length, "the file's format header, then the denial");
        var record = fixture.AuditOnDisk().Single();
        Assert.Equal(AuditDecision.Denied, record.Decision);
        Assert.Equal(DenialReason.ApprovalDenied, record.Reason);
        Assert.Equal("deny-all", record.Approver);
        Assert.Equal("agents/alice/notes.txt", record.Target);
        Assert.Equal(AccessOperation.Delete, record.Operation);
        Assert.Equal(0, fixture.Manager.GetUsage("alice")!.Value.InFlight);
    }

    [Test]
    public async Task DenyAllDeniesAnIrreversibleToolButNotAReversibleOne()
    {
        using var fixture = new AccessFixture();
        Assert.Equal(DenialReason.ApprovalDenied, (await fixture.Manager.AuthorizeAsync(Tool("alice", "search", irreversible: true))).Reason);
        Assert.True((await fixture.Manager.AuthorizeAsync(Tool("alice", "search"))).Allowed);
    }

    [Test]
    public async Task ApprovalIsAskedOnlyForRequestsTheGrantsAllow()
    {
        var approver = new ManualApprover();
        using var fixture = new AccessFixture(approver: approver);
        var decision = await fixture.Manager.AuthorizeAsync(StorageAccess("bob", AccessOperation.Delete, "shared/report.md"));
        Assert.Equal(DenialReason.NotGranted, decision.Reason);
        Assert.Equal(0, approver.Pending.Count);
    }

    [Test]
    public void CheckReportsThatApprovalIsNeededAndReservesNothing()
    {
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(1)));
        var decision = fixture.Manager.Check(Tool("alice", "search", irreversible: true));
        Assert.False(decision.Allowed);
        Assert.True(decision.NeedsApproval);
        Assert.Contains("AuthorizeAsync", decision.Message);
        var usage = fixture.Manager.GetUsage("alice")!.Value;
        Assert.Equal(0, usage.InFlight);
        Assert.Equal(0L, usage.CallsUsed);
        Assert.Equal(0, fixture.AuditOnDisk().Count);
    }

    [Test]
    public async Task AManualApproverApprovesByIdAndTheApprovalIsOnDiskFirst()
    {
        var approver = new ManualApprover();
        using var fixture = new AccessFixture(approver: approver);
        var pendingDecision = fixture.Manager.AuthorizeAsync(DeleteNotes).AsTask();
        var pending = await approver.WaitForPendingAsync();
        Assert.False(pendingDecision.IsCompleted);
        Assert.Equal(1, approver.Pending.Count);
        Assert.Contains("agent 'alice' wants to delete storage 'agents/alice/notes.txt'", pending.Describe());
        Assert.Equal(1, fixture.Manager.GetUsage("alice")!.Value.InFlight); // the slot is held while the approver thinks

        Assert.True(approver.Approve(pending.Id, "ops@example.com", "spring cleaning"));
        Assert.False(approver.Approve(pending.Id), "an answered request is no longer pending");
        var decision = await pendingDecision;
        Assert.True(decision.Allowed);
        var record = fixture.AuditOnDisk().Single();
        Assert.Equal(AuditDecision.Approved, record.Decision);
        Assert.Equal("ops@example.com", record.Approver);
        Assert.Equal("spring cleaning", record.Message);
        fixture.Manager.Complete(DeleteNotes, 0);
        Assert.Equal(0, fixture.Manager.GetUsage("alice")!.Value.InFlight);
    }

    [Test]
    public async Task AManualApproverDeniesByIdAndTheBudgetIsGivenBack()
    {
        var approver = new ManualApprover();
        using var fixture = new AccessFixture(Limited(g => g.LimitCalls(5)), approver);
        var request = Tool("alice", "deploy", irreversible: true);
        var pendingDecision = fixture.Manager.AuthorizeAsync(request).AsTask();
        var pending = await approver.WaitForPendingAsync();
        Assert.True(approver.Deny(pending.Id, "ops", "not on a Friday"));
        var decision = await pendingDecision;
        Assert.Equal(DenialReason.ApprovalDenied, decision.Reason);
        Assert.Contains("not on a Friday", decision.Message);
        Assert.Equal(DenialReason.ApprovalDenied, fixture.AuditOnDisk().Single().Reason);
        var usage = fixture.Manager.GetUsage("alice")!.Value;
        Assert.Equal(0, usage.InFlight);
        Assert.Equal(0L, usage.CallsUsed);
    }

    [Test]
    public async Task ADecideCallbackAnswersAtOnce()
    {
        var approver = new ManualApprover { Decide = r => r.Request.Target == "deploy" ? ApprovalResult.Approve("policy-bot") : null };
        using var fixture = new AccessFixture(Limited(_ => { }), approver);
        Assert.True((await fixture.Manager.AuthorizeAsync(Tool("alice", "deploy", irreversible: true))).Allowed);
        var waiting = fixture.Manager.AuthorizeAsync(Tool("alice", "wipe", irreversible: true)).AsTask();
        var pending = await approver.WaitForPendingAsync();
        Assert.Equal("wipe", pending.Request.Target);
        approver.Deny(pending.Id);
        Assert.False((await waiting).Allowed);
    }

    [Test]
    public async Task AnUnansweredApprovalIsDeniedWhenTheTimeoutPasses()
    {
        var approver = new ManualApprover();
        var policy = AccessPolicy.CreateBuilder().WithApprovalTimeout(TimeSpan.FromMinutes(2)).AddAgent("alice").Build();
        using var fixture = new AccessFixture(policy, approver);
        var pendingDecision = fixture.Manager.AuthorizeAsync(DeleteNotes).AsTask();
        await approver.WaitForPendingAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(pendingDecision.IsCompleted);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var decision = await pendingDecision;
        Assert.Equal(DenialReason.ApprovalDenied, decision.Reason);
        Assert.Contains("No approver answered within 00:02:00", decision.Message);
        Assert.Equal(0, approver.Pending.Count);
        Assert.Equal("timeout", fixture.AuditOnDisk().Single().Approver);
    }

    [Test]
    public async Task ACallerThatGivesUpReservesNothingAndRecordsNothing()
    {
        var approver = new ManualApprover();
        using var fixture = new AccessFixture(approver: approver);
        using var cts = new CancellationTokenSource();
        var pendingDecision = fixture.Manager.AuthorizeAsync(DeleteNotes, cts.Token).AsTask();
        await approver.WaitForPendingAsync();
        cts.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() => pendingDecision);
        Assert.Equal(0, approver.Pending.Count);
        Assert.Equal(0, fixture.Manager.GetUsage("alice")!.Value.InFlight);
        await fixture.Audit.FlushAsync();
        Assert.Equal(0, fixture.AuditOnDisk().Count);
        Assert.True(fixture.Manager.AuthorizeAsync(DeleteNotes, cts.Token).AsTask().IsCanceled, "an already-cancelled token gives a cancelled result");
    }

    [Test]
    public async Task AFailingApproverDenies()
    {
        using var fixture = new AccessFixture(approver: new ThrowingApprover());
        var decision = await fixture.Manager.AuthorizeAsync(DeleteNotes);
        Assert.Equal(DenialReason.ApprovalDenied, decision.Reason);
        Assert.Contains("approver failed (InvalidOperationException: approver is down)", decision.Message);
    }

    [Test]
    public async Task AuthorizeAsyncRecordsOrdinaryDenialsDurablyToo()
    {
        using var fixture = new AccessFixture();
        var decision = await fixture.Manager.AuthorizeAsync(Tool("mallory", "search"));
        Assert.Equal(DenialReason.UnknownAgent, decision.Reason);
        var record = fixture.AuditOnDisk().Single();
        Assert.Equal("mallory", record.Agent);
        Assert.Equal(DenialReason.UnknownAgent, record.Reason);
    }

    [Test]
    public void AuthorizeAsyncAllowsSynchronously()
    {
        using var fixture = new AccessFixture();
        var pending = fixture.Manager.AuthorizeAsync(Tool("alice", "search")).AsTask();
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.True(pending.Result.Allowed);
    }

    private sealed class ThrowingApprover : IApprover
    {
        public ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("approver is down");
    }
}
