namespace AgentOS.Syscalls.Faults;

/// <summary>What a fault-injection wrapper does to one call.</summary>
public enum FaultKind
{
    /// <summary>Nothing: the call goes through.</summary>
    None,

    /// <summary>A 429: rate limited, with a Retry-After.</summary>
    RateLimited,

    /// <summary>A 500: backend failed at once.</summary>
    ServerError,

    /// <summary>No answer for the timeout, then backend failed (what an HTTP backend's own timeout reports).</summary>
    Timeout,

    /// <summary>The answer starts, then the stream is cut: backend failed after the first piece.</summary>
    CutStream,

    /// <summary>The answer comes, after a slow first token (not a failure).</summary>
    SlowFirstToken,
}
