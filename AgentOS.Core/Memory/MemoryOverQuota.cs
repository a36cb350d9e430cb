namespace AgentOS.Memory;

/// <summary>What an allocation over an agent's quota does.</summary>
public enum MemoryOverQuota
{
    /// <summary>Fail with <see cref="Syscalls.Errors.MemoryQuotaExceededException"/>; nothing changes.</summary>
    Reject,

    /// <summary>Evict the agent's own least valuable blocks (LRU-K) to storage to make room.</summary>
    Evict,
}
