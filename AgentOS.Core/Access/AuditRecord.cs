using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>One line of the audit log: a decision on one request.</summary>
/// <param name="Time">When the decision was made, on the access manager's clock.</param>
/// <param name="Agent">The requesting agent's id.</param>
/// <param name="Resource">The resource class.</param>
/// <param name="Operation">The operation.</param>
/// <param name="Target">The tool, storage path, memory owner or backend (as given; JSON escapes it).</param>
/// <param name="Decision">Allowed, denied, approved, or a gap marker.</param>
/// <param name="Reason">Why it was denied (<see cref="DenialReason.None"/> otherwise).</param>
/// <param name="Message">The denial's message, the approver's reason, or the gap's explanation.</param>
/// <param name="Tokens">The request's estimated tokens.</param>
/// <param name="Approver">Who approved or denied an irreversible request (the authenticated principal, over HTTP).</param>
/// <param name="ActedBy">The authenticated principal that made the request for <paramref name="Agent"/> ("ActedBy acting
/// for Agent"), when it is not the agent itself; <see langword="null"/> when the agent acted as itself.</param>
/// <param name="Count">For allowed decisions written in one batch that differ only in their time (same agent, resource,
/// operation, target and acting principal): how many this one record stands for, <see langword="null"/> for one.
/// <paramref name="Time"/> is then the first one's time, <paramref name="Until"/> the last one's, and
/// <paramref name="Tokens"/> their sum.</param>
/// <param name="Until">The time of the last decision a record with a <paramref name="Count"/> stands for.</param>
public readonly record struct AuditRecord(
    DateTimeOffset Time,
    string Agent,
    ResourceKind Resource,
    AccessOperation Operation,
    string? Target,
    AuditDecision Decision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] DenialReason Reason = DenialReason.None,
    string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Tokens = 0,
    string? Approver = null,
    string? ActedBy = null,
    int? Count = null,
    DateTimeOffset? Until = null)
{
    /// <summary>How many decisions this record stands for: <see cref="Count"/>, or one.</summary>
    [JsonIgnore]
    public int Decisions => Count ?? 1;
}
