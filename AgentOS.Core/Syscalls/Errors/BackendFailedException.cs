namespace AgentOS.Syscalls.Errors;

/// <summary>The backend (an LLM server, a tool, the storage device) failed to carry out the syscall.</summary>
public sealed class BackendFailedException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public BackendFailedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "backend_failed";
}
