namespace AgentOS.Syscalls.Errors;

/// <summary>The syscall's deadline passed before it could run, or the backend running it stayed silent past its timeout.</summary>
public sealed class DeadlineExceededException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public DeadlineExceededException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "deadline_exceeded";
}
