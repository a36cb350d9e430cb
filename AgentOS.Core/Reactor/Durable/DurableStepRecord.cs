using AgentOS.Syscalls;

namespace AgentOS.Reactor;

/// <summary>
/// One step of a durable run (one syscall its agent made), as its journal keeps it
/// (<c>durable/runs/{run_id}/steps/{step}</c>): written with no <see cref="Response"/> before the syscall runs (its
/// intent), and again with it, durably, before the agent sees the result.
/// </summary>
public sealed record DurableStepRecord
{
    /// <summary>The step's number in the run, from 1.</summary>
    public required int Step { get; init; }

    /// <summary>The syscall's kind.</summary>
    public required SyscallKind Kind { get; init; }

    /// <summary>The syscall's query as JSON (without scheduling hints): a replayed step must ask exactly this.</summary>
    public required string Request { get; init; }

    /// <summary>The tool's name, for a tool step.</summary>
    public string? Tool { get; init; }

    /// <summary>The result, once the step completed; <see langword="null"/> while only its intent is journaled.</summary>
    public SyscallResponse? Response { get; init; }
}
