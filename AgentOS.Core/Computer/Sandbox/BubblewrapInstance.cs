using System.Diagnostics;
using System.Runtime.Versioning;

namespace AgentOS.Computer.Sandbox;

/// <summary>One session's bubblewrap sandbox: its mounted workspace and its claimed uid.</summary>
[SupportedOSPlatform("linux")]
internal sealed class BubblewrapInstance(BubblewrapSandbox provider, string workspace, UidPool.Claim claim, SandboxLimits limits) : ISandboxInstance
{
    private int _disposed;

    public string WorkspaceHostPath => workspace;

    public string WorkspaceSandboxPath => BubblewrapSandbox.SandboxWorkspace;

    public int HostUserId => claim.Uid;

    public SandboxLimits Limits => limits;

    public SandboxProxy? Proxy { get; set; }

    public ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null) =>
        Start(argv, workingDirectory, environment, null);

    public ProcessStartInfo CreateStartInfoWithLimits(IReadOnlyList<string> argv, SandboxLimits processLimits, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(processLimits);
        processLimits.Validate();
        return Start(argv, null, environment, null, processLimits);
    }

    public ProcessStartInfo CreateTerminalStartInfo(IReadOnlyList<string> argv, string terminalHostPath) =>
        Start(TerminalWrapper.Wrap(argv, BubblewrapSandbox.SandboxTerminal), null, TerminalWrapper.Environment, terminalHostPath);

    private ProcessStartInfo Start(IReadOnlyList<string> argv, string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string? terminal, SandboxLimits? processLimits = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv is empty: give the program to run.", nameof(argv));
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var start = new ProcessStartInfo(provider.PrlimitPath) { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in provider.CommandLine(workspace, claim.Uid, processLimits ?? limits, argv, workingDirectory, environment, terminal, Proxy))
        {
            start.ArgumentList.Add(arg);
        }
        // The kernel's environment (tokens, keys) never reaches a session: bwrap also clears it inside.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        return start;
    }

    // A timed-out command's processes die, but not the shell's network relay: later commands still need it.
    public int KillAllExcept(int started, int keepHostPid) =>
        ProcessTree.KillDescendantsExcept(started, keepHostPid, Proxy is { HostSocketPath: not null } proxy ? pid => NetworkRelay.Is(pid, proxy.SandboxPort) : null);

    public int HostPidOf(int started, int sandboxPid) => ProcessTree.FindByNamespacePid(started, sandboxPid);

    public long DiskBytesUsed()
    {
        var drive = new DriveInfo(workspace);
        return drive.TotalSize - drive.TotalFreeSpace;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Everything running as the session's uid goes, wherever it hides (a daemon that double-forked, a process
        // started through CreateStartInfo), then its workspace, then the uid is free for another session.
        ProcessTree.KillUser(claim.Uid);
        WorkspaceMount.Unmount(workspace);
        claim.Dispose();
    }
}
