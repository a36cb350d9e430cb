namespace AgentOS.Threading;

/// <summary>What an attempt to pin (or unpin) a thread came to; <see cref="PinResult"/> carries the details.</summary>
public enum PinStatus
{
    /// <summary>The thread now runs only on the requested CPU.</summary>
    Pinned,

    /// <summary>The thread may run on every CPU the process is allowed (no CPU was requested).</summary>
    Unpinned,

    /// <summary>This OS offers no way to pin a thread (macOS, whose affinity policy is only a hint, and others).</summary>
    NotSupported,

    /// <summary>The requested CPU is not in the process's allowed set; the thread's affinity is unchanged.</summary>
    OutsideAllowedSet,

    /// <summary>The OS refused the call; <see cref="PinResult.ErrorCode"/> holds errno (Linux) or GetLastError (Windows).</summary>
    OsError,
}
