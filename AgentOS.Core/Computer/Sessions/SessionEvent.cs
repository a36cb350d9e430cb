namespace AgentOS.Computer.Sessions;

/// <summary>What happened to a computer-use session, on the kernel's event bus (type name <c>computer.session</c>).</summary>
public enum SessionStage
{
    /// <summary>The session was created.</summary>
    Created,

    /// <summary>A terminal command started.</summary>
    CommandStarted,

    /// <summary>A terminal command finished (exit code, bytes, duration).</summary>
    CommandFinished,

    /// <summary>A limit stopped something: a command's timeout, its output cap, the disk quota, the session count.</summary>
    LimitHit,

    /// <summary>A caller reached for what is not theirs (another agent's session).</summary>
    Violation,

    /// <summary>The session was destroyed (by its owner, by idle expiry, or at shutdown).</summary>
    Destroyed,
}

/// <summary>A session transition on the kernel's event bus.</summary>
/// <param name="Session">The session's id.</param>
/// <param name="Agent">The agent it belongs to (for a violation: the caller).</param>
/// <param name="Stage">What happened.</param>
/// <param name="At">When, on the kernel's clock.</param>
/// <param name="Detail">The command (started, finished), the limit (limit hit), what was refused (violation) or why
/// the session ended (destroyed).</param>
/// <param name="ExitCode">A finished command's exit status.</param>
/// <param name="Bytes">A finished command's stdout plus stderr bytes.</param>
/// <param name="DurationMs">A finished command's wall-clock time.</param>
public readonly record struct SessionEvent(string Session, string Agent, SessionStage Stage, DateTimeOffset At, string? Detail = null, int? ExitCode = null, long? Bytes = null, double? DurationMs = null)
{
    /// <summary>The event type's name in logs.</summary>
    public const string TypeName = "computer.session";
}
