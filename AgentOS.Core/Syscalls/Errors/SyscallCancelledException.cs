namespace AgentOS.Syscalls.Errors;

/// <summary>
/// The caller cancelled the syscall (its token fired) before it finished. An <see cref="OperationCanceledException"/>,
/// so the usual cancellation handling applies; its wire code is <c>cancelled</c>.
/// </summary>
public sealed class SyscallCancelledException : OperationCanceledException
{
    /// <summary>Creates the error.</summary>
    public SyscallCancelledException(string message, CancellationToken token = default) : base(message, token)
    {
    }

    /// <summary>The stable wire name of the error.</summary>
    public static string Code => "cancelled";
}
