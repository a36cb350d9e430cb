namespace AgentOS.Syscalls;

/// <summary>A transition in a syscall's life, as reported on the event bus.</summary>
public enum SyscallStage
{
    /// <summary>Accepted and queued.</summary>
    Submitted,

    /// <summary>Handed to an execution slot.</summary>
    Dispatched,

    /// <summary>Finished with a response.</summary>
    Completed,

    /// <summary>Finished with an error (after it was queued).</summary>
    Failed,

    /// <summary>Refused before it was queued: invalid, not permitted, over budget, or the kernel was stopping.</summary>
    Refused,

    /// <summary>This run failed (the event's error says how) and the Reactor runs the syscall again, on the same or
    /// another backend; the caller waits on. Only a <see cref="Completed"/> or <see cref="Failed"/> ends it.</summary>
    Retrying,
}
