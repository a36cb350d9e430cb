namespace AgentOS.Computer.Sandbox;

/// <summary>
/// The explicit opt-in to run sessions WITHOUT isolation (<c>computer.unisolated_with_kernel_privileges</c>), for
/// platforms bubblewrap does not run on and for the escape suite's positive controls. Processes run as the kernel's
/// own user, see the whole host and the network, and have no limits and no disk quota. The session manager records the
/// opt-in in the audit log and status shows it; it is never chosen silently.
/// </summary>
public sealed class UnisolatedSandbox : ISandbox
{
    private readonly string _root;

    /// <summary>Creates the provider; workspaces are plain folders under <paramref name="workspaceRoot"/>.</summary>
    public UnisolatedSandbox(string workspaceRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceRoot);
        _root = Path.GetFullPath(workspaceRoot);
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public string Name => "unisolated";

    /// <inheritdoc />
    public bool Isolated => false;

    /// <inheritdoc />
    public string Description =>
        "NO ISOLATION (computer.unisolated_with_kernel_privileges): session processes run as the kernel's user with its privileges; they can read the kernel's data folder and credentials, reach the network and the kernel's port, and signal the kernel; no rlimits, no disk quota";

    /// <inheritdoc />
    public ISandboxInstance Create(string sessionId, SandboxLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        if (string.IsNullOrEmpty(sessionId) || sessionId.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw new ArgumentException($"'{sessionId}' is not a valid session id (letters, digits or '-').", nameof(sessionId));
        }
        var workspace = Path.Combine(_root, sessionId);
        Directory.CreateDirectory(workspace);
        return new UnisolatedInstance(workspace, limits);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
