using AgentOS.Access;
using AgentOS.Context;
using AgentOS.Memory;
using AgentOS.Scheduling;

namespace AgentOS.Kernel;

/// <summary>A snapshot of the kernel: uptime, each queue's counters, each registered agent's runs, and memory (resident
/// and evicted bytes, hits and misses of evicted blocks, quota rejections, overall and per agent), and the kernel's
/// conversation contexts, and the audit log's files and sizes.</summary>
public sealed record KernelStatus(string Version, TimeSpan Uptime, IReadOnlyDictionary<string, ResourceQueueStatistics> Queues, IReadOnlyList<AgentStatus> Agents, MemoryStatistics Memory, ContextStatistics? Contexts = null, AuditLogStatistics? Audit = null)
{
    /// <summary>How the HTTP API that answered authenticates its callers: <c>bearer</c>, or a loud <c>none ...</c> when
    /// it runs open (<c>serve --insecure-no-auth</c>); <see langword="null"/> in process.</summary>
    public string? Authentication { get; init; }

    /// <summary>Who asked, as the HTTP API authenticated it; <see langword="null"/> in process.</summary>
    public string? Caller { get; init; }

    /// <summary>The self-improving loop: the LLM queue's settings in force, pins and every change; <see langword="null"/>
    /// while the loop is off.</summary>
    public Evolution.EvolutionStatus? Evolution { get; init; }
    /// <summary>Computer-use sessions: the sandbox provider (loudly, when it does not isolate) and every live session;
    /// <see langword="null"/> when the kernel offers none.</summary>
    public Computer.Sessions.ComputerStatus? Computer { get; init; }
    /// <summary>The Reactor's playbooks, fuse and recent cases; <see langword="null"/> when it is off.</summary>
    public Reactor.ReactorStatus? Reactor { get; init; }
}
