namespace AgentOS.Syscalls.Errors;

/// <summary>The backend is rate-limited; <see cref="SyscallException.RetryAfter"/> says when it accepts requests again.</summary>
public sealed class RateLimitedException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public RateLimitedException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "rate_limited";
}
