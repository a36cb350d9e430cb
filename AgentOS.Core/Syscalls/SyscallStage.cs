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
}
