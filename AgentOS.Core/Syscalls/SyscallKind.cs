namespace AgentOS.Syscalls;

/// <summary>The resource a syscall asks for; each kind has its own queue, policy and manager.</summary>
public enum SyscallKind
{
    /// <summary>An LLM call (<see cref="Queries.LlmQuery"/>).</summary>
    Llm,

    /// <summary>Agent memory (<see cref="Queries.MemoryQuery"/>).</summary>
    Memory,

    /// <summary>Persistent storage (<see cref="Queries.StorageQuery"/>).</summary>
    Storage,

    /// <summary>One or more tool calls (<see cref="Queries.ToolQuery"/>).</summary>
    Tool,
}
