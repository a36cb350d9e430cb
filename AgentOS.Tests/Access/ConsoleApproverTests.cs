using AgentOS.Access;
using AgentOS.Tests.Framework;
using static AgentOS.Tests.Access.AccessFixture;

namespace AgentOS.Tests.Access;

/// <summary>The terminal approver, given its reader, writer and terminal flag, so no real console is needed.</summary>
public sealed class ConsoleApproverTests
{
    private static readonly ApprovalRequest Request =
        new(7, StorageAccess("alice", AccessOperation.Delete, "agents/alice/notes.txt"), ManualTimeStart);

    private static DateTimeOffset ManualTimeStart => AgentOS.Time.ManualTimeProvider.DefaultStart;

    [Test]
    public async Task WithoutATerminalItDeniesAtOnceAndSaysHowToAllow()
    {
        var input = new StringReader("y\n");
        var output = new StringWriter();
        using var approver = new ConsoleApprover(input, output, isInteractive: false);
        var result = await approver.RequestAsync(Request);
        Assert.False(result.Approved);
        Assert.Equal("console", result.Approver);
        Assert.Contains("No terminal to ask: standard input is redirected", result.Reason);
        Assert.Contains("agent 'alice' wants to delete storage 'agents/alice/notes.txt'", result.Reason);
        Assert.Contains("run the command from an interactive terminal and answer 'y'", result.Reason);
        Assert.Equal("y", input.ReadLine(), "nothing was read");
        Assert.Equal("", output.ToString(), "nothing was asked");
    }

    [Test]
    public async Task AtATerminalYesApprovesAndAnythingElseDenies()
    {
        var output = new StringWriter();
        using var approver = new ConsoleApprover(new StringReader("y\nno\n  YES \nmaybe\n"), output, isInteractive: true);
        Assert.True((await approver.RequestAsync(Request)).Approved);
        Assert.False((await approver.RequestAsync(Request)).Approved);
        Assert.True((await approver.RequestAsync(Request)).Approved);
        var maybe = await approver.RequestAsync(Request);
        Assert.False(maybe.Approved);
        Assert.Contains("answer \"maybe\"", maybe.Reason);
        var eof = await approver.RequestAsync(Request);
        Assert.False(eof.Approved);
        Assert.Contains("Standard input ended", eof.Reason);
        Assert.Contains("AgentOS approval: agent 'alice' wants to delete storage 'agents/alice/notes.txt' (irreversible; request #7).", output.ToString());
        Assert.Contains("Allow? [y/N] ", output.ToString());
    }

    [Test]
    public void TheConsoleConstructorIsInteractiveExactlyWhenInputIsNotRedirected()
    {
        using var approver = new ConsoleApprover();
        Assert.Equal(!Console.IsInputRedirected, approver.IsInteractive);
    }

    [Test]
    public async Task ThroughTheManagerARedirectedConsoleDeniesAndTheDenialIsAudited()
    {
        using var approver = new ConsoleApprover(TextReader.Null, TextWriter.Null, isInteractive: false);
        using var fixture = new AccessFixture(approver: approver);
        var decision = await fixture.Manager.AuthorizeAsync(StorageAccess("alice", AccessOperation.Delete, "agents/alice/notes.txt"));
        Assert.Equal(DenialReason.ApprovalDenied, decision.Reason);
        Assert.Contains("No terminal to ask", decision.Message);
        var record = fixture.AuditOnDisk().Single();
        Assert.Equal("console", record.Approver);
        Assert.Contains("No terminal to ask", record.Message);
    }
}
