namespace AgentOS.Access;

/// <summary>The four resource classes an agent reaches through syscalls; each has its own grants.</summary>
public enum ResourceKind
{
    /// <summary>An LLM backend; the request's target is the backend's name.</summary>
    Llm,

    /// <summary>Agent memory; the request's target is the id of the agent that owns the memory.</summary>
    Memory,

    /// <summary>The kernel's storage; the request's target is a <see cref="StoragePath"/>.</summary>
    Storage,

    /// <summary>A registered tool; the request's target is the tool's name.</summary>
    Tool,
}
