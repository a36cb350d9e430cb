namespace AgentOS.Syscalls.Errors;

/// <summary>The agent has used its budget (tokens or calls per window, or concurrent syscalls); <see cref="SyscallException.RetryAfter"/> says when it frees up.</summary>
public sealed class BudgetExceededException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public BudgetExceededException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override string Code => "budget_exceeded";
}
