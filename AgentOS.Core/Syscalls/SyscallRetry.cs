namespace AgentOS.Syscalls;

/// <summary>A recovery's decision to run a failed syscall again.</summary>
/// <param name="Delay">How long to wait first (zero: queue it again at once).</param>
/// <param name="Target">For an LLM syscall, the backend to run it on instead (a failover); <see langword="null"/> keeps its backend.</param>
public readonly record struct SyscallRetry(TimeSpan Delay, string? Target = null);
