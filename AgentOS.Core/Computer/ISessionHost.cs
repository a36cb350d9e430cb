using System.Diagnostics;

namespace AgentOS.Computer;

/// <summary>
/// What tools that work inside a computer-use session need from it: where its workspace is, and how to start a process
/// inside its sandbox. The session manager implements it; the code and document tools use only this.
/// </summary>
public interface ISessionHost
{
    /// <summary>The session's id.</summary>
    string Id { get; }

    /// <summary>The agent that owns the session.</summary>
    string OwnerAgentId { get; }

    /// <summary>Whether the session's processes run isolated (false only under the explicit no-isolation opt-in).</summary>
    bool Isolated { get; }

    /// <summary>The workspace folder as the kernel sees it (the kernel reads and writes files here, resolving paths
    /// safely: the session's processes may have planted symlinks).</summary>
    string WorkspaceHostPath { get; }

    /// <summary>The same folder as the session's processes see it.</summary>
    string WorkspaceSandboxPath { get; }

    /// <summary>
    /// The kernel's HTTP proxy as the session's processes reach it (<c>http://127.0.0.1:3128</c> inside a sandbox; a
    /// loopback port of the host for unisolated sessions), or <see langword="null"/> when the owning agent's grant
    /// allows no network. It tunnels CONNECT and forwards absolute-form plain HTTP to the destinations the grant allows
    /// and refuses the rest with a 403. Processes the session starts already have <c>HTTP_PROXY</c>,
    /// <c>HTTPS_PROXY</c>, <c>ALL_PROXY</c> (and the lower-case forms) set to it; a program that ignores them (a
    /// browser) must be told (<c>--proxy-server</c>). Stable for the session's life.
    /// </summary>
    string? ProxyUrl => null;

    /// <summary>
    /// How to start <paramref name="argv"/> inside the session's sandbox, with its limits, as an unprivileged user; the
    /// caller redirects and starts it. Killing the started process ends everything it started.
    /// </summary>
    /// <param name="argv">The program and its arguments, as the sandbox sees them.</param>
    /// <param name="workingDirectory">A folder inside the sandbox; the workspace when null.</param>
    /// <param name="environment">Variables to set besides the session's own.</param>
    ProcessStartInfo CreateStartInfo(IReadOnlyList<string> argv, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null);

    /// <summary>
    /// As <see cref="CreateStartInfo(IReadOnlyList{string}, string?, IReadOnlyDictionary{string, string}?)"/>, but with
    /// per-process limits other than the session's (the workspace's disk cap stays). Only the kernel's own tools choose
    /// them, for a program they trust to need more: Chromium reserves hundreds of GiB of address space it never uses
    /// and runs hundreds of threads, so the session's defaults would stop it at start. Hosts without per-process limits
    /// ignore them.
    /// </summary>
    ProcessStartInfo CreateStartInfoWithLimits(IReadOnlyList<string> argv, Sandbox.SandboxLimits limits, IReadOnlyDictionary<string, string>? environment = null) =>
        CreateStartInfo(argv, null, environment);
}

/// <summary>Finds the session a tool call names, for its caller.</summary>
/// <exception cref="Syscalls.Errors.InvalidRequestException">No such session, or it is not the caller's.</exception>
public delegate ISessionHost SessionResolver(Tools.ToolCallContext caller, string sessionId);
