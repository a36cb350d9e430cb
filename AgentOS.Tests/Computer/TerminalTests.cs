using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>The terminal: a persistent shell per session inside the bubblewrap sandbox.</summary>
[RequiresBubblewrap]
public sealed class TerminalTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task WorkingFolderVariablesAndFunctionsPersistBetweenCommands()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");

        var first = await fixture.Sandboxed.RunAsync("alice", s.Id, "mkdir -p proj/src && cd proj/src && export GREETING=hello && shout() { echo \"$1!\"; }");
        Assert.Equal(0, first.ExitCode);
        var second = await fixture.Sandboxed.RunAsync("alice", s.Id, "pwd; echo $GREETING; shout hey");

        Assert.Equal("/workspace/proj/src\nhello\nhey!\n", second.Stdout);
        Assert.Equal("", second.Stderr);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task StdoutStderrAndTheExitCodeComeBackSeparately()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");

        var result = await fixture.Sandboxed.RunAsync("alice", s.Id, "printf 'out'; printf 'err' >&2; (exit 7)");

        Assert.Equal("out", result.Stdout);
        Assert.Equal("err", result.Stderr);
        Assert.Equal(7, result.ExitCode);
        Assert.False(result.TimedOut);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task QuotesHereDocumentsAndSyntaxErrorsCannotDerailTheShell()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");

        var broken = await fixture.Sandboxed.RunAsync("alice", s.Id, "echo 'unterminated");
        Assert.NotEqual(0, broken.ExitCode);
        var heredoc = await fixture.Sandboxed.RunAsync("alice", s.Id, "cat <<'EOF'\n$HOME `x` \"q\"\nEOF");
        Assert.Equal("$HOME `x` \"q\"\n", heredoc.Stdout);
        var reads = await fixture.Sandboxed.RunAsync("alice", s.Id, "read line; echo \"got [$line]\"");
        Assert.Equal("got []\n", reads.Stdout); // stdin is empty: a command cannot swallow the next one
        var after = await fixture.Sandboxed.RunAsync("alice", s.Id, "echo still here");
        Assert.Equal("still here\n", after.Stdout);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ATimedOutCommandIsKilledWithEverythingItStartedAndTheSessionKeepsItsState()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.RunAsync("alice", s.Id, "cd /tmp && export KEEP=yes");

        var result = await fixture.Sandboxed.RunAsync("alice", s.Id, "(sleep 1000 &); setsid sleep 1001 & sleep 1002", TimeSpan.FromMilliseconds(500));

        Assert.True(result.TimedOut);
        Assert.False(result.ShellRestarted);
        var after = await fixture.Sandboxed.RunAsync("alice", s.Id, "pwd; echo $KEEP; ps -e -o comm= | grep -c sleep || true");
        Assert.Equal("/tmp\nyes\n0\n", after.Stdout);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AShellBuiltinLoopIsStoppedByRestartingTheShellAndTheResultSaysSo()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.RunAsync("alice", s.Id, "echo kept > file && cd /tmp");

        var result = await fixture.Sandboxed.RunAsync("alice", s.Id, "while :; do :; done", TimeSpan.FromMilliseconds(300));

        Assert.True(result.TimedOut);
        Assert.True(result.ShellRestarted);
        var after = await fixture.Sandboxed.RunAsync("alice", s.Id, "pwd; cat file");
        Assert.Equal("/workspace\nkept\n", after.Stdout); // a new shell, the same workspace
    }

    [Test(TimeoutSeconds = 60)]
    public async Task InterruptStopsTheRunningCommandWithoutLosingTheSession()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        await fixture.Sandboxed.RunAsync("alice", s.Id, "export KEEP=1");

        var running = fixture.Sandboxed.RunAsync("alice", s.Id, "echo started; sleep 1000", TimeSpan.FromMinutes(5));
        while (!s.Busy)
        {
            await Task.Delay(10);
        }
        await Task.Delay(300); // let "echo started" arrive before the interrupt
        Assert.True(await fixture.Sandboxed.InterruptAsync("alice", s.Id));
        var result = await running;

        Assert.True(result.Interrupted);
        Assert.False(result.TimedOut);
        Assert.Equal("started\n", result.Stdout);
        Assert.Equal(137, result.ExitCode);
        Assert.Equal("1\n", (await fixture.Sandboxed.RunAsync("alice", s.Id, "echo $KEEP")).Stdout);
        Assert.False(await fixture.Sandboxed.InterruptAsync("alice", s.Id));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task OutputPastTheCapIsCutCountedAndSaid()
    {
        var options = new AgentOS.Computer.ComputerOptions { MaxOutputBytes = 1000 };
        await using var fixture = new SandboxFixture(options);
        var s = await fixture.Sandboxed.CreateAsync("alice");

        var result = await fixture.Sandboxed.RunAsync("alice", s.Id, "head -c 100000 /dev/zero | tr '\\0' x; echo; echo tail >&2");

        Assert.Equal(new string('x', 1000), result.Stdout);
        Assert.Equal(100001, result.StdoutBytes);
        Assert.True(result.StdoutTruncated);
        Assert.Equal("tail\n", result.Stderr);
        Assert.False(result.StderrTruncated);
        Assert.Contains("[stdout truncated: showed the first 1000 of 100001 bytes]", AgentOS.Computer.Sessions.SessionManager.Describe(result));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ExitEndsTheShellAndTheNextCommandGetsANewOne()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");

        var result = await fixture.Sandboxed.RunAsync("alice", s.Id, "echo bye; exit 3");

        Assert.Equal("bye\n", result.Stdout);
        Assert.Equal(3, result.ExitCode);
        Assert.True(result.ShellRestarted);
        Assert.Equal("/workspace\n", (await fixture.Sandboxed.RunAsync("alice", s.Id, "pwd")).Stdout);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ASecondCommandWhileOneRunsIsRefusedWithWhatToDo()
    {
        await using var fixture = new SandboxFixture();
        var s = await fixture.Sandboxed.CreateAsync("alice");
        var running = fixture.Sandboxed.RunAsync("alice", s.Id, "sleep 1000", TimeSpan.FromMinutes(1));
        while (!s.Busy)
        {
            await Task.Delay(10);
        }

        var error = await Assert.ThrowsAsync<AgentOS.Syscalls.Errors.InvalidRequestException>(() => fixture.Sandboxed.RunAsync("alice", s.Id, "true"));
        Assert.Contains("terminal.interrupt", error.Message);
        await fixture.Sandboxed.InterruptAsync("alice", s.Id);
        await running;
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AShellThatEndsLosesNothingTheOtherStreamStillCarries()
    {
        // Unisolated, the shell is the only holder of its stdout: closing it ends that stream well before stderr.
        // Both streams must be read to their end before the result is made.
        await using var fixture = new SandboxFixture();
        var s = await fixture.Unisolated.CreateAsync("alice");

        var result = await fixture.Unisolated.RunAsync("alice", s.Id, "echo out; exec 1>&-; sleep 0.3; echo late >&2; exit 4");

        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("late\n", result.Stderr);
        Assert.Equal(4, result.ExitCode);
        Assert.True(result.ShellRestarted);
    }
}
