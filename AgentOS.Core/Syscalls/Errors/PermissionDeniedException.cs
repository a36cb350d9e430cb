namespace AgentOS.Syscalls.Errors;

/// <summary>The agent lacks the capability the syscall needs (a tool, a storage namespace, another agent's memory, an LLM backend), or an approval was refused.</summary>
public sealed class PermissionDeniedException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public PermissionDeniedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "permission_denied";
}
