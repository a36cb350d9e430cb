namespace AgentOS.Syscalls.Errors;

/// <summary>The backend lacks a capability the syscall needs (embeddings, tool calls, JSON output, continuation). Nothing
/// was sent; route the call to a backend that declares the capability.</summary>
public sealed class CapabilityNotSupportedException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public CapabilityNotSupportedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "not_supported";
}
