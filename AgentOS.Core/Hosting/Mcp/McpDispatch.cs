using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// What every transport does with a parsed payload: each request runs concurrently (so a later
/// <c>notifications/cancelled</c>, or the client's answer to the server's own request, can arrive while it runs);
/// notifications and responses are handled at once, in order, and never answered.
/// </summary>
internal static class McpDispatch
{
    /// <summary>Starts one request; the task ends with its answer (null when it gets none, e.g. cancelled).</summary>
    /// <remarks>The session's handler registers the request as in flight before its first await, so a cancellation
    /// that follows it on the same stream finds it.</remarks>
    public static async Task<byte[]?> RequestAsync(McpSession session, JsonRpcRequest request, IMcpSink sink, CancellationToken cancellationToken)
    {
        try
        {
            return await session.HandleAsync(request, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A defect behind the handler still answers, so the client never waits for nothing.
            return McpMessages.Error(request.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, $"Internal error: {ex.GetType().Name}: {ex.Message}"));
        }
    }

    /// <summary>Handles a notification or a response (neither is answered).</summary>
    public static async ValueTask OtherAsync(McpSession session, JsonRpcMessage message, IMcpSink sink)
    {
        try
        {
            await session.HandleAsync(message, sink).ConfigureAwait(false);
        }
        catch (McpException)
        {
            // A bad notification gets no answer (JSON-RPC), and nothing else depends on it.
        }
    }

    /// <summary>The error answers for a payload's invalid entries.</summary>
    public static IEnumerable<byte[]> Errors(JsonRpcPayload payload) => payload.Errors.Select(e => McpMessages.Error(e.Id, e.Error));
}
