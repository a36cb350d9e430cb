using System.Runtime.Versioning;
using AgentOS.Interop;

namespace AgentOS.Computer.Sandbox;

/// <summary>
/// The Linux sandbox: every session process runs under bubblewrap, as a host user of the session's own, with new
/// user, pid, ipc, uts and network namespaces, only <c>/usr</c> (and the <c>/bin</c>, <c>/lib*</c> it holds), a
/// minimal <c>/etc</c> and the configured tool folders bound read-only, a private <c>/tmp</c>, and the workspace (a
/// size-capped tmpfs) as the only writable place; with rlimits on CPU, memory, processes, file size and open files.
/// </summary>
/// <remarks>
/// <para><b>Why root.</b> The kernel mounts each workspace as a tmpfs of the session's disk quota on the host (so the
/// kernel, the shell and every process a tool starts in the session see one capped folder; a tmpfs made by one bwrap
/// lives only in that bwrap's mount namespace), and drops each session to its own uid with <c>setpriv</c> (so the
/// process limit is per session and sessions cannot read each other's files). Both need root; as any other user the
/// provider refuses with what to do instead.</para>
/// <para><b>Where workspaces live.</b> <c>{root}/{session}</c>, each a 0700 tmpfs owned by its session's uid, under a
/// 0711 root-owned parent: a session's uid can reach its own (bubblewrap resolves the bind as that uid) but can neither
/// list the parent nor enter another session's. The kernel's data folder is never bound in.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed partial class BubblewrapSandbox : ISandbox
{
    private static readonly string[] SystemBins = ["/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin"];
    private readonly string _root;
    private readonly UidPool _uids;
    private readonly IReadOnlyList<string> _toolBinds;

    /// <summary>Checks the tools and privileges bubblewrap sessions need and prepares the workspace root.</summary>
    /// <param name="workspaceRoot">Where session workspaces are mounted (created 0711 if absent).</param>
    /// <param name="firstUid">The first host uid handed to sessions.</param>
    /// <param name="uidCount">How many uids from <paramref name="firstUid"/> sessions may use.</param>
    /// <param name="toolBinds">Host folders bound read-only at the same path (for example a Node installed by npm).</param>
    /// <exception cref="SandboxUnavailableException">bubblewrap or util-linux is missing, or the kernel is not root.</exception>
    public BubblewrapSandbox(string workspaceRoot, int firstUid = 200_000, int uidCount = 10_000, IReadOnlyList<string>? toolBinds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceRoot);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstUid, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(uidCount, 1);
        BwrapPath = FindTool("bwrap", "bubblewrap", "bubblewrap");
        SetprivPath = FindTool("setpriv", "util-linux", "util-linux");
        PrlimitPath = FindTool("prlimit", "util-linux", "util-linux");
        if (Libc.GetEffectiveUserId() != 0)
        {
            throw new SandboxUnavailableException(
                "The bubblewrap sandbox needs the kernel to run as root: it gives each session its own host uid (setpriv) and mounts its size-capped workspace. Run the kernel as root (in a container is fine), or opt in to unisolated sessions with computer.unisolated_with_kernel_privileges (no isolation).");
        }
        _root = Path.GetFullPath(workspaceRoot);
        _toolBinds = [.. (toolBinds ?? []).Select(Path.GetFullPath)];
        foreach (var bind in _toolBinds)
        {
            if (!Directory.Exists(bind) && !File.Exists(bind))
            {
                throw new SandboxUnavailableException($"The tool folder '{bind}' (computer.tool_binds) does not exist: install it or remove it from the list.");
            }
        }
        WorkspaceMount.PrepareRoot(_root);
        WorkspaceMount.DetachStale(_root);
        _uids = new UidPool(Path.Combine(_root, ".uids"), firstUid, uidCount);
    }

    /// <inheritdoc />
    public string Name => "bubblewrap";

    /// <inheritdoc />
    public bool Isolated => true;

    /// <inheritdoc />
    public string Description =>
        "bubblewrap: own host uid per session, new user/pid/ipc/uts/net namespaces (no network), read-only /usr and minimal /etc, private /tmp, size-capped workspace, rlimits on cpu/memory/processes/file size/open files";

    /// <summary>Where workspaces are mounted.</summary>
    public string WorkspaceRoot => _root;

    internal string BwrapPath { get; }

    internal string SetprivPath { get; }

    internal string PrlimitPath { get; }

    /// <inheritdoc />
    public ISandboxInstance Create(string sessionId, SandboxLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        WorkspaceMount.ValidateName(sessionId);
        var claim = _uids.Acquire();
        string workspace = Path.Combine(_root, sessionId);
        try
        {
            WorkspaceMount.MountTmpfs(workspace, limits.DiskBytes, claim.Uid);
        }
        catch
        {
            claim.Dispose();
            throw;
        }
        return new BubblewrapInstance(this, workspace, claim, limits);
    }

    /// <summary>Detaches every workspace still mounted (sessions' processes are killed by their instances).</summary>
    public void Dispose() => WorkspaceMount.DetachStale(_root);

    internal static string FindTool(string command, string debianPackage, string otherPackage)
    {
        foreach (var dir in SystemBins.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new SandboxUnavailableException(
            $"'{command}' is not installed, and computer-use sessions need it: install the package '{debianPackage}' (Debian/Ubuntu: apt-get install {debianPackage}; Fedora/Arch: {otherPackage}), or opt in to unisolated sessions with computer.unisolated_with_kernel_privileges (no isolation).");
    }
}
