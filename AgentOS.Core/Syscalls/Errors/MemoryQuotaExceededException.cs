namespace AgentOS.Syscalls.Errors;

/// <summary>A memory allocation would pass a quota: an agent's quota or the kernel's global memory limit (named in
/// <see cref="Quota"/>). Nothing was stored.</summary>
public sealed class MemoryQuotaExceededException : SyscallException
{
    /// <summary>Creates the error with a message that says what to do.</summary>
    public MemoryQuotaExceededException(string message, string quota = "memory", Exception? innerException = null) : base(message, innerException) =>
        Quota = quota;

    /// <summary>Which limit: <c>agent:&lt;id&gt;</c> or <c>global</c>.</summary>
    public string Quota { get; }

    /// <inheritdoc />
    public override string Code => "memory_quota_exceeded";
}
