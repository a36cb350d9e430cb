using System.Text.Json.Serialization;
using AgentOS.Computer.Sandbox;

namespace AgentOS.Computer;

/// <summary>
/// Computer-use sessions' settings (the kernel config's <c>computer</c> section). Without it the kernel offers no
/// session tools. Every key is optional.
/// </summary>
/// <example><code>
/// "computer": { "idle_timeout": "00:30:00", "max_sessions": 4, "tool_binds": ["/opt/node"],
///               "limits": { "disk_bytes": 268435456, "processes": 128, "memory_bytes": 2147483648 } }
/// </code></example>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ComputerOptions
{
    /// <summary>
    /// Runs sessions WITHOUT isolation, as the kernel's own user with its privileges (they can read the kernel's data
    /// folder and credentials, use the network and signal the kernel). For platforms without bubblewrap, knowingly.
    /// Recorded in the audit log at start and shown in status. Default false: bubblewrap, or an error naming it.
    /// </summary>
    public bool UnisolatedWithKernelPrivileges { get; set; }

    /// <summary>Where workspaces are mounted. Default: <c>/run/agentos/sessions/{hash of the data folder}</c> as root,
    /// else under the temp folder.</summary>
    public string? WorkspaceRoot { get; set; }

    /// <summary>The first host uid handed to sessions (one per live session). Default 200000.</summary>
    public int FirstUid { get; set; } = 200_000;

    /// <summary>How many uids from <see cref="FirstUid"/> sessions may use. Default 10000.</summary>
    public int UidCount { get; set; } = 10_000;

    /// <summary>Host folders bound read-only into every sandbox at the same path (tools such as a Node from npm).</summary>
    public IReadOnlyList<string> ToolBinds { get; set; } = [];

    /// <summary>Each session's limits (a session may ask for less; disk is also capped by the agent's grant).</summary>
    public SandboxLimits Limits { get; set; } = new();

    /// <summary>Sessions an agent may hold at once when none of its groups sets <c>max_sessions</c>. Default 4.</summary>
    public int MaxSessions { get; set; } = 4;

    /// <summary>A session unused this long is destroyed. Default 30 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A terminal command's timeout when the call gives none. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest timeout a call may ask for. Default 10 minutes.</summary>
    public TimeSpan MaxCommandTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Bytes of each of stdout and stderr a command returns; the rest is counted and the result says it was
    /// cut. Default 64 KiB.</summary>
    public int MaxOutputBytes { get; set; } = 64 * 1024;

    /// <summary>The code tool's settings (<c>code.run</c>: interpreters, timeouts, output cap). A Node from npm must
    /// also be in <see cref="ToolBinds"/> to be seen inside the sandbox.</summary>
    public Code.CodeToolOptions Code { get; set; } = new();

    /// <summary>The document tools' settings (<c>document.*</c>: read and file caps, the PDF converter).</summary>
    public Documents.DocumentToolOptions Documents { get; set; } = new();

    /// <summary>The browser tool's settings (<c>browser.*</c>: Chromium's executable and limits, timeouts, caps).</summary>
    public Browser.BrowserToolOptions Browser { get; set; } = new();

    /// <summary>The network proxy's per-session limits (<c>network</c>: connections, bytes, timeouts, the port inside
    /// the sandbox). Where sessions may connect is each agent's grant (<c>network</c> in its groups).</summary>
    public Network.NetworkOptions Network { get; set; } = new();

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        (Limits ?? throw new ArgumentException("computer.limits is null: leave it out for the defaults.")).Validate();
        (Network ?? throw new ArgumentException("computer.network is null: leave it out for the defaults.")).Validate();
        if (MaxSessions < 1 || UidCount < 1 || FirstUid < 1000 || MaxOutputBytes < 1)
        {
            throw new ArgumentException("computer.max_sessions, uid_count and max_output_bytes must be at least 1, and first_uid at least 1000.");
        }
        if (IdleTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero || MaxCommandTimeout < CommandTimeout)
        {
            throw new ArgumentException("computer.idle_timeout and command_timeout must be positive, and max_command_timeout at least command_timeout.");
        }
    }

    /// <summary>The provider these settings ask for.</summary>
    /// <exception cref="SandboxUnavailableException">bubblewrap cannot run here and the no-isolation opt-in is off.</exception>
    public ISandbox CreateSandbox(string dataDirectory)
    {
        Validate();
        string root = WorkspaceRoot ?? DefaultRoot(dataDirectory);
        if (UnisolatedWithKernelPrivileges)
        {
            return new UnisolatedSandbox(root);
        }
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxUnavailableException($"Sandboxed sessions need Linux with bubblewrap; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}. To run sessions WITHOUT isolation, set computer.unisolated_with_kernel_privileges to true (they then run as the kernel's user, with its privileges).");
        }
        return new BubblewrapSandbox(root, FirstUid, UidCount, ToolBinds);
    }

    private static string DefaultRoot(string dataDirectory)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
        bool root = OperatingSystem.IsLinux() && Interop.Libc.GetEffectiveUserId() == 0;
        return root ? Path.Combine("/run/agentos/sessions", hash) : Path.Combine(Path.GetTempPath(), "agentos-sessions", hash);
    }
}
