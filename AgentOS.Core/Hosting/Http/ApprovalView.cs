namespace AgentOS.Hosting.Http;

/// <summary>A pending approval as GET /v1/approvals lists it.</summary>
public sealed record ApprovalView(long Id, string Agent, string Resource, string Operation, string? Target, DateTimeOffset RequestedAt, string Description);

/// <summary>POST /v1/approvals/{id}: approve or deny, by whom, and why.</summary>
/// <remarks><c>approve</c> is required: a body without it is refused (400), never taken as a denial.</remarks>
public sealed record ApprovalDecision([property: System.Text.Json.Serialization.JsonRequired] bool Approve, string? Approver = null, string? Reason = null);
