using AgentOS.Scheduling;

namespace AgentOS.Kernel;

/// <summary>A snapshot of the kernel: uptime, each queue's counters, each registered agent's runs.</summary>
public sealed record KernelStatus(string Version, TimeSpan Uptime, IReadOnlyDictionary<string, ResourceQueueStatistics> Queues, IReadOnlyList<AgentStatus> Agents);
