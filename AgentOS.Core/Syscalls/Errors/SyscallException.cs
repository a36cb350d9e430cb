namespace AgentOS.Syscalls.Errors;

/// <summary>
/// The base of the kernel's typed syscall errors. Each has a stable wire <see cref="Code"/> (the HTTP API and the
/// remote port carry it, so a remote caller gets the same exception type) and a message that says what to do.
/// </summary>
public abstract class SyscallException : Exception
{
    private protected SyscallException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <summary>The stable wire name of the error (permission_denied, budget_exceeded, ...).</summary>
    public abstract string Code { get; }

    /// <summary>When retrying may succeed (rate limits, budgets), or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
