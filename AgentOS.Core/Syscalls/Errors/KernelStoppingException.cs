namespace AgentOS.Syscalls.Errors;

/// <summary>The kernel is stopping (or stopped) and accepts no new syscalls.</summary>
public sealed class KernelStoppingException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public KernelStoppingException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "kernel_stopping";
}
