namespace AgentOS.Tools.Mcp;

/// <summary>One server-sent event.</summary>
/// <param name="Id">Its <c>id:</c> field, when it had one (resumption sends it back as <c>Last-Event-ID</c>).</param>
/// <param name="Event">Its <c>event:</c> field (<c>message</c> when absent).</param>
/// <param name="Data">Its <c>data:</c> lines joined by newlines (empty for a priming event).</param>
/// <param name="RetryMs">Its <c>retry:</c> field: how long to wait before reconnecting, in milliseconds.</param>
public sealed record SseEvent(string? Id, string Event, string Data, int? RetryMs);
