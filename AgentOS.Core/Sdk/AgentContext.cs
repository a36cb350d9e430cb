using AgentOS.Syscalls;

namespace AgentOS.Sdk;

/// <summary>
/// An agent's handle on the kernel: its id and the four modules named as in AIOS's SDK (Planning, Action, Memory,
/// Storage). Everything goes through <see cref="Port"/>, in-process or remote.
/// </summary>
public sealed class AgentContext
{
    /// <summary>Creates a context for <paramref name="agentId"/> talking to <paramref name="port"/>.</summary>
    public AgentContext(string agentId, IKernelPort port)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(port);
        AgentId = agentId;
        Port = port;
        Planning = new PlanningModule(this);
        Action = new ActionModule(this);
        Memory = new MemoryModule(this);
        Storage = new StorageModule(this);
    }

    /// <summary>The agent's id (its identity for access control).</summary>
    public string AgentId { get; }

    /// <summary>Where the syscalls go.</summary>
    public IKernelPort Port { get; }

    /// <summary>LLM calls.</summary>
    public PlanningModule Planning { get; }

    /// <summary>Tool calls.</summary>
    public ActionModule Action { get; }

    /// <summary>Memory items and the conversation.</summary>
    public MemoryModule Memory { get; }

    /// <summary>Persistent files.</summary>
    public StorageModule Storage { get; }
}
