using System.Diagnostics;

namespace AgentOS.Computer.Sandbox;

/// <summary>One session's sandbox: its workspace and how to start processes inside it. Disposing it kills every
/// process it started and removes the workspace.</summary>
public interface ISandboxInstance : IDisposable
{
    /// <summary>The workspace as the kernel sees it.</summary>
    string WorkspaceHostPath { get; }

    /// <summary>The workspace as the session's processes see it.</summary>
    string WorkspaceSandboxPath { get; }

    /// <summary>The host user id the session's processes run as (the kernel's own under the no-isolation opt-in).</summary>
    int HostUserId { get; }

    /// <summary>The limits the instance enforces.</summary>
    SandboxLimits Limits { get; }

    /// <summary>The kernel's proxy, once the session has network (processes started afterwards get it, with the proxy
    /// variables in their environment); <see langword="null"/>: no network.</summary>
    SandboxProxy? Proxy { get; set; }

    /// <summary>How to start <paramref name="argv"/> inside the sandbox with the session's limits and a clean
    /// environment; the caller redirects and starts it.</summary>
    ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null);

    /// <summary>As <see cref="CreateStartInfo(IReadOnlyList{string}, string?, IReadOnlyDictionary{string, string}?)"/>
    /// with other per-process limits (see <see cref="ISessionHost.CreateStartInfoWithLimits"/>);
    /// an instance that enforces no per-process limits ignores them.</summary>
    ProcessStartInfo CreateStartInfoWithLimits(IReadOnlyList<string> argv, SandboxLimits limits, IReadOnlyDictionary<string, string>? environment = null) =>
        CreateStartInfo(argv, null, environment);

    /// <summary>How to start <paramref name="argv"/> inside the sandbox as <see cref="CreateStartInfo"/> does, but
    /// with the pseudo-terminal whose slave is <paramref name="terminalHostPath"/> as its standard input, output, error
    /// and controlling terminal (so Ctrl-C written to the master interrupts it). The caller still redirects the
    /// process's own standard streams: only the sandbox's set-up writes there.</summary>
    ProcessStartInfo CreateTerminalStartInfo(IReadOnlyList<string> argv, string terminalHostPath);

    /// <summary>
    /// Kills every process that <paramref name="started"/> (a process from <see cref="CreateStartInfo"/>) led to,
    /// orphans included where the sandbox can find them, except <paramref name="keepHostPid"/> and the processes
    /// between it and <paramref name="started"/>. Returns how many it killed.
    /// </summary>
    int KillAllExcept(int started, int keepHostPid);

    /// <summary>The host pid of the process that is <paramref name="sandboxPid"/> inside the sandbox (started by
    /// <paramref name="started"/>), or -1.</summary>
    int HostPidOf(int started, int sandboxPid);

    /// <summary>Bytes used in the workspace.</summary>
    long DiskBytesUsed();
}
