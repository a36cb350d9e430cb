namespace AgentOS.Sdk;

/// <summary>
/// An agent whose state survives restarts: the kernel saves it through the storage syscalls (so it is versioned,
/// namespace-checked and durable) and hands it back when the agent runs again — after a crash, on another kernel
/// with the same data, or when the Reactor restarts it from a checkpoint.
/// </summary>
public interface ICheckpointable
{
    /// <summary>The agent's state as bytes (any format the agent can read back).</summary>
    byte[] SaveState();

    /// <summary>Restores state saved by <see cref="SaveState"/>.</summary>
    void LoadState(ReadOnlySpan<byte> state);
}
