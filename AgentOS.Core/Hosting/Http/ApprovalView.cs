namespace AgentOS.Hosting.Http;

/// <summary>A pending approval as GET /v1/approvals lists it.</summary>
public sealed record ApprovalView(long Id, string Agent, string Resource, string Operation, string? Target, DateTimeOffset RequestedAt, string Description);

/// <summary>POST /v1/approvals/{id}: approve or deny, by whom, and why.</summary>
public sealed record ApprovalDecision(bool Approve, string? Approver = null, string? Reason = null);
