using System.Text.Json;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// One MCP request in flight: its id, its cancellation (a <c>notifications/cancelled</c> from the client cancels it and
/// the syscall it runs), its progress token, and the way back to the client for messages about it — progress, log
/// messages, and the server's own requests (sampling, elicitation). Tools that speak MCP find it by their call id
/// (<see cref="McpToolCalls"/>).
/// </summary>
internal sealed class McpRequestContext(McpSession session, JsonRpcId id, JsonRpcId? progressToken, IMcpSink sink, CancellationToken cancellationToken)
{
    public McpSession Session { get; } = session;

    public JsonRpcId Id { get; } = id;

    public JsonRpcId? ProgressToken { get; } = progressToken;

    public IMcpSink Sink { get; } = sink;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The tool it calls (tools/call only).</summary>
    public string? Tool { get; init; }

    /// <summary>Sends <c>notifications/progress</c> when the request asked for progress.</summary>
    public ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null) =>
        ProgressToken is { } token
            ? Sink.SendAsync(McpMessages.Notification(McpMethods.ProgressNotification, new ProgressParams { ProgressToken = token, Progress = progress, Total = total, Message = message }, AgentOSJsonContext.Default.ProgressParams), CancellationToken)
            : ValueTask.CompletedTask;

    /// <summary>Sends a log message about this request, when the client's level lets it through.</summary>
    public ValueTask LogAsync(string level, string text, string? logger = null) => Session.LogAsync(Sink, level, text, logger, CancellationToken);

    /// <summary>Asks the client something (sampling, elicitation) on this request's stream and waits for the answer.</summary>
    public Task<JsonElement> RequestAsync<T>(string method, T parameters, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Session.RequestAsync(Sink, method, parameters, typeInfo, CancellationToken);
}
