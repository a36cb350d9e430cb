namespace AgentOS.Syscalls.Errors;

/// <summary>A syscall error on the wire (the HTTP API's error body): a stable code, the message, and a retry time.</summary>
public sealed class SyscallError
{
    /// <summary>The error's stable code (<see cref="SyscallException.Code"/>, or <c>cancelled</c>, or <c>internal</c>).</summary>
    public required string Code { get; init; }

    /// <summary>What went wrong and what to do.</summary>
    public required string Message { get; init; }

    /// <summary>For a <c>permission_denied</c> answer of an entry point: the grant the caller lacks (<c>act_for</c>,
    /// <c>approve</c>, <c>monitor</c>; see the access policy's privilege groups).</summary>
    public string? Grant { get; init; }

    /// <summary>Milliseconds until a retry may succeed, where known.</summary>
    public long? RetryAfterMs { get; init; }

    /// <summary>The wire form of an exception thrown by a syscall.</summary>
    public static SyscallError From(Exception exception) => exception switch
    {
        SyscallException s => new() { Code = s.Code, Message = s.Message, RetryAfterMs = (long?)s.RetryAfter?.TotalMilliseconds },
        OperationCanceledException => new() { Code = SyscallCancelledException.Code, Message = exception.Message },
        _ => new() { Code = "internal", Message = $"{exception.GetType().Name}: {exception.Message}" },
    };

    /// <summary>The typed exception this error stands for, so a remote caller catches what an in-process one would.</summary>
    public Exception ToException()
    {
        var retry = RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        return Code switch
        {
            "permission_denied" => new PermissionDeniedException(Message),
            "budget_exceeded" => new BudgetExceededException(Message) { RetryAfter = retry },
            "memory_quota_exceeded" => new MemoryQuotaExceededException(Message),
            "deadline_exceeded" => new DeadlineExceededException(Message),
            "rate_limited" => new RateLimitedException(Message) { RetryAfter = retry },
            "backend_failed" => new BackendFailedException(Message),
            "invalid_request" => new InvalidRequestException(Message),
            "not_supported" => new CapabilityNotSupportedException(Message),
            "kernel_stopping" => new KernelStoppingException(Message),
            "agent_paused" => new AgentPausedException(Message),
            "cancelled" => new SyscallCancelledException(Message),
            _ => new BackendFailedException($"The kernel reported an internal error: {Message}"),
        };
    }
}
