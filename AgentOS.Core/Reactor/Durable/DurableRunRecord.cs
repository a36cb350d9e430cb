namespace AgentOS.Reactor;

/// <summary>
/// A durable run as its journal keeps it (<c>durable/runs/{run_id}/run</c> in the kernel's storage, outside every
/// agent's namespace).
/// </summary>
public sealed record DurableRunRecord
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The registered agent that runs.</summary>
    public required string Agent { get; init; }

    /// <summary>Its input.</summary>
    public required string Input { get; init; }

    /// <summary>Where it stands.</summary>
    public DurableRunState State { get; init; }

    /// <summary>Runs started so far (the first included; a resume after a kernel restart is one more).</summary>
    public int Attempts { get; init; }

    /// <summary>The answer, once completed.</summary>
    public string? Result { get; init; }

    /// <summary>Why it failed or is paused.</summary>
    public string? Error { get; init; }

    /// <summary>When paused: the step whose outcome is unknown.</summary>
    public int? InDoubtStep { get; init; }

    /// <summary>When paused: the approver allowed <see cref="InDoubtStep"/> to run again.</summary>
    public bool InDoubtApproved { get; init; }

    /// <summary>When it started, on the kernel's clock.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When this record was last written.</summary>
    public DateTimeOffset Updated { get; init; }
}
