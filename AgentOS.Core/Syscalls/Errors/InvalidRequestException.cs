namespace AgentOS.Syscalls.Errors;

/// <summary>The syscall is malformed: a missing or extra query, a bad path, an unknown tool, an oversized payload. Nothing was changed.</summary>
public sealed class InvalidRequestException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public InvalidRequestException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "invalid_request";
}
