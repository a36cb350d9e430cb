using System.Text.Json.Serialization;

namespace AgentOS.Reactor;

/// <summary>Durable agents (<c>reactor.durable</c>): restarting cut runs of agents registered as durable.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class DurablePlaybookOptions
{
    /// <summary>Whether cut durable runs restart from their journal: a faulted run at once (up to
    /// <see cref="MaxAttempts"/>), an unfinished one when the kernel is opened again. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Runs of one durable run in all, the first included, before a run that keeps faulting is given up (its
    /// caller gets the last error and the case is escalated). Restarts after a kernel restart count too. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The largest computer-use workspace a durable run checkpoints (a tar of the session's workspace after
    /// each tool step on it); a bigger one is not saved and the case is escalated. Default 64 MiB.</summary>
    public long WorkspaceMaxBytes { get; set; } = 64L << 20;

    internal void Validate()
    {
        if (MaxAttempts is < 1 or > 1000)
        {
            throw new ArgumentException("reactor.durable.max_attempts (runs in all, the first included) must be between 1 and 1000.");
        }
        if (WorkspaceMaxBytes is < 0 or > int.MaxValue)
        {
            throw new ArgumentException("reactor.durable.workspace_max_bytes must be between 0 and 2147483647.");
        }
    }
}
