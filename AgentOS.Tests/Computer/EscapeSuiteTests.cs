using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentOS.Computer.Terminal;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Computer;

/// <summary>
/// The escape suite: each probe is run twice, as its own positive control with isolation off (the no-isolation opt-in,
/// as the kernel's user — root here — so the probe is shown to work) and under the bubblewrap sandbox, where it must
/// fail. Resource probes whose unsandboxed form would harm the machine (a real fork bomb) run their control at a
/// bounded size.
/// </summary>
[RequiresBubblewrap]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EscapeSuiteTests
{
    private static async Task<(CommandResult Control, CommandResult Sandboxed)> ProbeAsync(SandboxFixture fixture, string command, TimeSpan? timeout = null) =>
        (await SandboxFixture.RunOnceAsync(fixture.Unisolated, command, timeout: timeout), await SandboxFixture.RunOnceAsync(fixture.Sandboxed, command, timeout: timeout));

    [Test(TimeoutSeconds = 60)]
    public async Task ReadingEtcShadowFails()
    {
        await using var fixture = new SandboxFixture();
        var (control, sandboxed) = await ProbeAsync(fixture, "cat /etc/shadow");

        Assert.Equal(0, control.ExitCode, control.Stderr);
        Assert.Contains("root:", control.Stdout);
        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.Equal("", sandboxed.Stdout);
        Assert.Contains("No such file", sandboxed.Stderr);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ReadingARootOnlyFileFailsEvenInsideTheWorkspace()
    {
        await using var fixture = new SandboxFixture();
        using var outside = new TempDirectory("agentos-rootonly");
        var hostSecret = Path.Combine(outside.Path, "secret");
        WriteRootOnly(hostSecret, "host secret");
        foreach (var (manager, mustFail) in new[] { (fixture.Unisolated, false), (fixture.Sandboxed, true) })
        {
            var session = await manager.CreateAsync("prober");
            WriteRootOnly(Path.Combine(session.WorkspaceHostPath, "planted"), "planted secret"); // visible, 0600 root
            var outsideRead = await manager.RunAsync("prober", session.Id, $"cat {hostSecret}");
            var insideRead = await manager.RunAsync("prober", session.Id, "ls -l planted && cat planted");
            if (mustFail)
            {
                Assert.NotEqual(0, outsideRead.ExitCode);
                Assert.NotEqual(0, insideRead.ExitCode);
                Assert.Contains("Permission denied", insideRead.Stderr);
                Assert.DoesNotContain("planted secret", insideRead.Stdout);
            }
            else
            {
                Assert.Equal("host secret", outsideRead.Stdout);
                Assert.Contains("planted secret", insideRead.Stdout);
            }
            manager.Destroy("prober", session.Id);
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ReadingTheKernelsDataFolderAndAdminTokenFails()
    {
        await using var fixture = new SandboxFixture();
        using var data = new TempDirectory("agentos-kerneldata");
        WriteRootOnly(Path.Combine(data.Path, "admin-token"), "admin-secret-token");
        File.WriteAllText(Path.Combine(data.Path, "audit.jsonl"), "{}\n");
        var probe = $"ls {data.Path} && cat {data.Path}/admin-token";

        var (control, sandboxed) = await ProbeAsync(fixture, probe);

        Assert.Contains("admin-secret-token", control.Stdout);
        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.DoesNotContain("admin-secret-token", sandboxed.Stdout);
        Assert.DoesNotContain("audit.jsonl", sandboxed.Stdout);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ReadingAnotherSessionsWorkspaceFails()
    {
        await using var fixture = new SandboxFixture();
        foreach (var (manager, mustFail) in new[] { (fixture.Unisolated, false), (fixture.Sandboxed, true) })
        {
            var victim = await manager.CreateAsync("victim");
            await manager.RunAsync("victim", victim.Id, "echo victim-data > secret");
            var prober = await manager.CreateAsync("prober");
            var probe = await manager.RunAsync("prober", prober.Id, $"cat {victim.WorkspaceHostPath}/secret; cat /proc/*/root/workspace/secret 2>/dev/null; ls {Path.GetDirectoryName(victim.WorkspaceHostPath)}");
            if (mustFail)
            {
                Assert.DoesNotContain("victim-data", probe.Stdout);
                Assert.DoesNotContain(victim.Id, probe.Stdout);
                // On the host too: the victim's workspace is 0700 and owned by its own uid; the prober's uid is refused
                // even knowing the path.
                var direct = Run("/usr/bin/setpriv", $"--reuid={prober.Instance.HostUserId}", $"--regid={prober.Instance.HostUserId}", "--clear-groups", "/bin/cat", Path.Combine(victim.WorkspaceHostPath, "secret"));
                Assert.NotEqual(0, direct.ExitCode);
                Assert.Contains("Permission denied", direct.Stderr);
            }
            else
            {
                Assert.Contains("victim-data", probe.Stdout);
            }
            manager.Destroy("victim", victim.Id);
            manager.Destroy("prober", prober.Id);
        }
    }

    [Test(TimeoutSeconds = 60)]
    public async Task WritingOutsideTheWorkspaceFails()
    {
        await using var fixture = new SandboxFixture();
        using var outside = new TempDirectory("agentos-outside");
        File.SetUnixFileMode(outside.Path, (UnixFileMode)0x1FF); // 0777: only the sandbox can stop the write
        var target = Path.Combine(outside.Path, "pwned");

        var control = await SandboxFixture.RunOnceAsync(fixture.Unisolated, $"echo pwned > {target}");
        Assert.Equal(0, control.ExitCode);
        Assert.True(File.Exists(target));
        File.Delete(target);

        var sandboxed = await SandboxFixture.RunOnceAsync(fixture.Sandboxed, $"echo pwned > {target}; touch /usr/pwned /etc/pwned /pwned; ls /usr/pwned /etc/pwned /pwned");
        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists("/usr/pwned"));
        Assert.False(File.Exists("/etc/pwned"));
        Assert.False(File.Exists("/pwned"));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task FillingTheDiskPastTheQuotaFailsAndTheSessionRecovers()
    {
        await using var fixture = new SandboxFixture(); // 8 MiB workspaces
        const string Probe = "head -c 20000000 /dev/zero > big; status=$?; ls -l big | awk '{print $5}'; exit $status";

        var control = await SandboxFixture.RunOnceAsync(fixture.Unisolated, Probe);
        Assert.Equal(0, control.ExitCode);
        Assert.Equal("20000000\n", control.Stdout);

        var session = await fixture.Sandboxed.CreateAsync("prober");
        var full = await fixture.Sandboxed.RunAsync("prober", session.Id, Probe);
        Assert.NotEqual(0, full.ExitCode);
        Assert.Contains("No space left on device", full.Stderr);
        Assert.True(long.Parse(full.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture) <= 8L << 20);
        var recovered = await fixture.Sandboxed.RunAsync("prober", session.Id, "rm big && echo ok > small && cat small");
        Assert.Equal("ok\n", recovered.Stdout);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ConnectingToAHostTcpPortFails()
    {
        await using var fixture = new SandboxFixture();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = $"exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected";

        var (control, sandboxed) = await ProbeAsync(fixture, probe);

        Assert.Equal("connected\n", control.Stdout);
        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.Contains("Connection refused", sandboxed.Stderr); // its own empty network namespace
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ConnectingToAHostUnixSocketFails()
    {
        await using var fixture = new SandboxFixture();
        using var dir = new TempDirectory("agentos-sock");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1FF);
        var path = Path.Combine(dir.Path, "kernel.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
        using var abstractSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var abstractName = "agentos-probe-" + Guid.NewGuid().ToString("N")[..8];
        abstractSocket.Bind(new UnixDomainSocketEndPoint("\0" + abstractName));
        abstractSocket.Listen();
        var probe = $"python3 -c \"import socket\nfor p in ['{path}', '\\0{abstractName}']:\n  s = socket.socket(socket.AF_UNIX)\n  try:\n    s.connect(p); print('connected')\n  except OSError as e:\n    print('refused', e.errno)\"";

        var (control, sandboxed) = await ProbeAsync(fixture, probe);

        Assert.Equal("connected\nconnected\n", control.Stdout, control.Stderr);
        Assert.Equal(0, sandboxed.ExitCode, sandboxed.Stderr);
        Assert.DoesNotContain("connected", sandboxed.Stdout);
        Assert.Equal(2, sandboxed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("refused", StringComparison.Ordinal)));
    }

    [Test(TimeoutSeconds = 60)]
    public async Task SignallingOrTracingTheKernelProcessFails()
    {
        await using var fixture = new SandboxFixture();
        int kernel = Environment.ProcessId;
        // kill -0 checks the right to signal without sending anything; /proc/PID/environ needs the right to trace
        // (PTRACE_MODE_READ), the same check ptrace(PTRACE_ATTACH) passes first.
        var probe = $"kill -0 {kernel} && echo may-signal; head -c 1 /proc/{kernel}/environ >/dev/null && echo may-trace";

        var (control, sandboxed) = await ProbeAsync(fixture, probe);

        Assert.Equal("may-signal\nmay-trace\n", control.Stdout, control.Stderr);
        Assert.Equal("", sandboxed.Stdout);
        Assert.Contains("No such process", sandboxed.Stderr);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task SymlinksAndDotDotCannotLeaveTheSandbox()
    {
        await using var fixture = new SandboxFixture();
        const string Probe = "ln -s / up && cat up/etc/shadow; cat ../../../../etc/shadow; cd ../.. && cat etc/shadow";

        var (control, sandboxed) = await ProbeAsync(fixture, Probe);

        Assert.Contains("root:", control.Stdout);
        Assert.DoesNotContain("root:", sandboxed.Stdout);
        Assert.Contains("No such file", sandboxed.Stderr);
    }

    [Test(TimeoutSeconds = 120)]
    public async Task AForkBombIsContainedWhileAnotherSessionKeepsWorking()
    {
        await using var fixture = new SandboxFixture(); // 64 processes per session
        const string Bounded = "for i in $(seq 200); do sleep 2 & done; wait; echo all-started";
        var control = await SandboxFixture.RunOnceAsync(fixture.Unisolated, Bounded);
        Assert.Equal("all-started\n", control.Stdout, control.Stderr);
        var limited = await SandboxFixture.RunOnceAsync(fixture.Sandboxed, Bounded);
        Assert.Contains("Resource temporarily unavailable", limited.Stderr);

        var bomb = await fixture.Sandboxed.CreateAsync("attacker");
        var worker = await fixture.Sandboxed.CreateAsync("worker");
        var exploding = fixture.Sandboxed.RunAsync("attacker", bomb.Id, "bomb() { bomb | bomb & }; bomb; sleep 1000", TimeSpan.FromSeconds(5));
        for (int i = 0; i < 5; i++)
        {
            var ok = await fixture.Sandboxed.RunAsync("worker", worker.Id, $"echo alive {i}; ls /workspace | wc -l");
            Assert.Equal($"alive {i}\n0\n", ok.Stdout);
        }
        var result = await exploding;
        Assert.True(result.TimedOut);
        var after = await fixture.Sandboxed.RunAsync("attacker", bomb.Id, "echo recovered; ps -e -o comm= | grep -c bash");
        Assert.Equal("recovered\n1\n", after.Stdout); // only the session's own shell is left
    }

    [Test(TimeoutSeconds = 60)]
    public async Task AMemoryHogFailsAtTheSessionsLimit()
    {
        await using var fixture = new SandboxFixture(); // 512 MiB address space per process
        const string Probe = "python3 -c \"b = bytearray(768 * 1024 * 1024); print(len(b))\"";

        var (control, sandboxed) = await ProbeAsync(fixture, Probe);

        Assert.Equal("805306368\n", control.Stdout, control.Stderr);
        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.Contains("MemoryError", sandboxed.Stderr);
    }

    [Test(TimeoutSeconds = 60)]
    public async Task ACommandThatNeverEndsIsKilledWithEverythingItStarted()
    {
        await using var fixture = new SandboxFixture();
        string marker = "1" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var probe = $"(setsid sleep {marker} >/dev/null 2>&1 < /dev/null &); sleep {marker}"; // a double fork: an orphan
        try
        {
            var (control, sandboxed) = await ProbeAsync(fixture, probe, TimeSpan.FromMilliseconds(500));

            Assert.True(control.TimedOut);
            Assert.True(sandboxed.TimedOut);
            // Unisolated, the daemonized sleep escaped to the host and lives on; sandboxed, nothing survives.
            Assert.Equal(1, SleepsNamed(marker).Count);
        }
        finally
        {
            foreach (var pid in SleepsNamed(marker))
            {
                AgentOS.Interop.Libc.Kill(pid, 9);
            }
        }
    }

    private static List<int> SleepsNamed(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid) && File.ReadAllText(dir + "/cmdline").Replace('\0', ' ').Trim() == $"sleep {marker}")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        return found;
    }

    internal static void WriteRootOnly(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    internal static (int ExitCode, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr);
    }
}
