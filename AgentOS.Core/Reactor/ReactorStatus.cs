namespace AgentOS.Reactor;

/// <summary>The Reactor as <c>status</c> and <c>/v1/status</c> show it.</summary>
/// <param name="ActionsPerMinute">The global fuse's limit.</param>
/// <param name="ActionsLastMinute">State-changing actions taken in the last minute.</param>
/// <param name="RetriesPending">Syscalls waiting out a retry delay now.</param>
/// <param name="Playbooks">Each playbook's counters.</param>
/// <param name="Recent">The latest Reactor events, oldest first.</param>
/// <param name="AuditFailures">Reactor records the audit log failed to write.</param>
public sealed record ReactorStatus(int ActionsPerMinute, int ActionsLastMinute, int RetriesPending, IReadOnlyList<PlaybookStatus> Playbooks, IReadOnlyList<ReactorEvent> Recent, long AuditFailures);

/// <summary>One playbook's counters: how many cases reached each step.</summary>
public sealed record PlaybookStatus(string Name, bool Enabled, long Triggered, long Acted, long Verified, long Unverified, long Undone, long Escalated, long Suppressed, int Open);
