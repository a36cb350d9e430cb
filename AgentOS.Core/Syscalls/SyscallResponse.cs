using AgentOS.Syscalls.Queries;

namespace AgentOS.Syscalls;

/// <summary>A syscall's result: the response that matches the request's query.</summary>
public sealed class SyscallResponse
{
    /// <summary>The kernel's id for the syscall (it appears in events and the audit log).</summary>
    public long SyscallId { get; init; }

    /// <summary>The LLM's answer.</summary>
    public LlmResponse? Llm { get; init; }

    /// <summary>The memory operation's result.</summary>
    public MemoryResponse? Memory { get; init; }

    /// <summary>The storage operation's result.</summary>
    public StorageResponse? Storage { get; init; }

    /// <summary>The tools' results.</summary>
    public ToolResponse? Tool { get; init; }
}
