using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>The terminal's interactive mode: a program on a pseudo-terminal, answered through the session.</summary>
[RequiresBubblewrap]
public sealed class InteractiveTerminalTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task AProgramThatPromptsIsAnsweredAndItsExitCodeComesBack()
    {
        await using var fixture = new SandboxFixture();
        foreach (var manager in new[] { fixture.Sandboxed, fixture.Unisolated })
        {
            var s = await manager.CreateAsync("alice");

            var prompt = await manager.StartInteractiveAsync("alice", s.Id, "[ -t 0 ] && echo on-a-tty; read -p 'Name? ' n; echo \"hello $n\"; exit 3", "Name? ", TimeSpan.FromSeconds(20));
            var answer = await manager.SendInteractiveAsync("alice", s.Id, "bob\n", timeout: TimeSpan.FromSeconds(20));

            Assert.Equal("on-a-tty\nName? ", prompt.Output); // read -p prompts only on a terminal
            Assert.True(prompt.Running);
            Assert.True(prompt.Matched);
            Assert.Equal("bob\nhello bob\n", answer.Output); // the terminal echoes what was typed
            Assert.False(answer.Running);
            Assert.Equal(3, answer.ExitCode);
            var gone = await Assert.ThrowsAsync<InvalidRequestException>(() => manager.SendInteractiveAsync("alice", s.Id, "x\n"));
            Assert.Contains("terminal.start", gone.Message);
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task CtrlCReachesTheProgramAndTheSessionKeepsWorking()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.RunAsync("alice", s.Id, "export KEEP=1");

        var started = await fixture.Sandboxed.StartInteractiveAsync("alice", s.Id, "echo go; sleep 1000; echo after", "go\n", TimeSpan.FromSeconds(20));
        var busy = await Assert.ThrowsAsync<InvalidRequestException>(() => fixture.Sandboxed.StartInteractiveAsync("alice", s.Id, "true"));
        var stopped = await fixture.Sandboxed.SendInteractiveAsync("alice", s.Id, "\u0003", timeout: TimeSpan.FromSeconds(20));

        Assert.True(started.Running);
        Assert.Contains("terminal.send", busy.Message);
        Assert.False(stopped.Running);
        Assert.Equal(130, stopped.ExitCode); // 128 + SIGINT, delivered by the terminal's line discipline
        Assert.DoesNotContain("after", stopped.Output);
        Assert.Equal("1\n", (await fixture.Sandboxed.RunAsync("alice", s.Id, "echo $KEEP")).Stdout);
        var again = await fixture.Sandboxed.StartInteractiveAsync("alice", s.Id, "echo again", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal("again\n", again.Output);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task InterruptAndDestroyKillAnInteractiveProgram()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.StartInteractiveAsync("alice", s.Id, "echo go; sleep 1000", "go\n", TimeSpan.FromSeconds(20));

        Assert.True(await fixture.Sandboxed.InterruptAsync("alice", s.Id));
        var none = await Assert.ThrowsAsync<InvalidRequestException>(() => fixture.Sandboxed.SendInteractiveAsync("alice", s.Id, "\n"));
        Assert.Contains("terminal.start", none.Message);
        await fixture.Sandboxed.StartInteractiveAsync("alice", s.Id, "echo go; sleep 1000", "go\n", TimeSpan.FromSeconds(20));
        int uid = s.Instance.HostUserId;
        fixture.Sandboxed.Destroy("alice", s.Id);
        Assert.Equal(0, SessionKernelTests.ProcessesOf(uid));
    }
}
