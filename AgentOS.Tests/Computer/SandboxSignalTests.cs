using System.Diagnostics;
using System.Globalization;
using AgentOS.Computer.Sandbox;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer;

/// <summary>Programs in a session start with every signal's default disposition, however the kernel was started: a
/// kernel launched in the background by a shell, or under nohup, ignores SIGINT and SIGQUIT, and an ignored signal is
/// inherited across exec, so Ctrl-C typed into a session's terminal would otherwise do nothing.</summary>
[RequiresBubblewrap]
public sealed class SandboxSignalTests
{
    [Test(TimeoutSeconds = 60)]
    public async Task AProgramInASessionDoesNotInheritTheKernelsIgnoredSignals()
    {
        await using var fixture = new SandboxFixture();
        foreach (var (name, sandbox) in new (string, ISandbox)[] { ("sandboxed", fixture.Sandboxed.Sandbox), ("unisolated", fixture.Unisolated.Sandbox) })
        {
            using var instance = sandbox.Create("signals-" + name, fixture.Options.Limits);
            var inner = instance.CreateStartInfo(["/bin/sh", "-c", "grep '^SigIgn:' /proc/self/status"]);
            // Start it the way a backgrounded kernel would: from a parent that ignores SIGINT and SIGQUIT.
            var start = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["-c", "trap '' INT QUIT; exec \"$@\"", "ignoring", inner.FileName, .. inner.ArgumentList])
            {
                start.ArgumentList.Add(arg);
            }
            foreach (var (key, value) in inner.Environment)
            {
                start.Environment[key] = value;
            }
            using var process = Process.Start(start)!;
            string output = await process.StandardOutput.ReadToEndAsync();
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode, $"{name}: {error}");
            ulong ignored = ulong.Parse(output.Split(':')[1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.Equal(0UL, ignored & ((1UL << (2 - 1)) | (1UL << (3 - 1))), $"{name}: SIGINT or SIGQUIT ignored ({output.Trim()})");
        }
    }
}
