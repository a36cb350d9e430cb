namespace AgentOS.Tools.Mcp;

/// <summary>Where an <see cref="McpServerConnection"/> is in its life.</summary>
public enum McpServerState
{
    /// <summary>Starting for the first time.</summary>
    Starting,

    /// <summary>Connected; its tools are registered and callable.</summary>
    Ready,

    /// <summary>It died or could not start; waiting out the backoff before the next start. Its calls fail typed.</summary>
    Restarting,

    /// <summary>Stopped for good (removed, or the kernel stopped).</summary>
    Stopped,
}
