using AgentOS.Syscalls;

namespace AgentOS.Sdk;

/// <summary>
/// An agent's handle on the kernel: its id and the four modules named as in AIOS's SDK (Planning, Action, Memory,
/// Storage). Everything goes through <see cref="Port"/>, in-process or remote.
/// </summary>
public sealed class AgentContext
{
    private string _conversationId = "default";

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

    /// <summary>The conversation <see cref="PlanningModule.ChatAsync"/> continues, kept by the kernel per agent and id.
    /// Default <c>default</c>: one conversation per agent, which a new context for the same agent continues.</summary>
    public string ConversationId
    {
        get => _conversationId;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _conversationId = value;
        }
    }

    /// <summary>The kernel's event bus, where the agent's own steps (a <see cref="ToolLoop"/>'s) are published; set for
    /// agents the kernel runs, and by code that makes a context for an in-process kernel. <see langword="null"/> over a
    /// remote port (the remote kernel's bus still sees every syscall).</summary>
    public Events.EventBus? Events { get; init; }

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

    /// <summary>Where the agent's checkpoint lives: <c>agents/{id}/.checkpoint</c>, in its own namespace.</summary>
    public string CheckpointPath => Storage.Own(".checkpoint");

    /// <summary>Saves <paramref name="agent"/>'s state as a new version of its checkpoint; returns the version.</summary>
    public ValueTask<int> CheckpointAsync(ICheckpointable agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Storage.WriteAsync(CheckpointPath, agent.SaveState(), cancellationToken: cancellationToken);
    }

    /// <summary>Loads the agent's latest checkpoint (or <paramref name="version"/>) into it; returns <see langword="false"/>
    /// when it has none.</summary>
    public async ValueTask<bool> RestoreAsync(ICheckpointable agent, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var versions = await Storage.VersionsAsync(CheckpointPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            return false;
        }
        agent.LoadState(await Storage.ReadAsync(CheckpointPath, version, cancellationToken: cancellationToken).ConfigureAwait(false));
        return true;
    }
}
