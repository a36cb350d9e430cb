using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Documents;

/// <summary>
/// A workspace path was refused (absolute, escaping the root, a symlink leading out) or names nothing usable. Nothing
/// was read or changed. On the wire it is an <c>invalid_request</c>.
/// </summary>
public sealed class WorkspacePathException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public WorkspacePathException(WorkspacePathError error, string path, string message) : base(message)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Why the path was refused.</summary>
    public WorkspacePathError Error { get; }

    /// <summary>The path as the caller gave it.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Code => "invalid_request";
}
