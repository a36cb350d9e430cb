using System.Text.Json;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Tools.Mcp;

// What the server sends: answers to our requests, its own requests, and notifications.
public sealed partial class McpClient
{
    private ValueTask ReceiveAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcResponse response:
                if (_pending.TryRemove(response.Id, out var waiter))
                {
                    waiter.TrySetResult(response.Result.Clone());
                }
                break;
            case JsonRpcErrorResponse failure:
                if (_pending.TryRemove(failure.Id, out var failed))
                {
                    failed.TrySetException(new McpException(failure.Error.Code, failure.Error.Message, failure.Error.Data?.Clone()));
                }
                break;
            case JsonRpcRequest request:
                // Answered off the reading loop: an elicitation may take long, and its answer is itself a message sent
                // while this transport keeps reading.
                _ = AnswerAsync(request);
                break;
            case JsonRpcNotification notification when _options.Notification is { } notify:
                return notify(notification);
        }
        return ValueTask.CompletedTask;
    }

    private async Task AnswerAsync(JsonRpcRequest request)
    {
        JsonRpcMessage answer;
        try
        {
            answer = new JsonRpcResponse(request.Id, await HandleAsync(request).ConfigureAwait(false));
        }
        catch (McpException ex)
        {
            answer = new JsonRpcErrorResponse(request.Id, ex.ToError());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            answer = new JsonRpcErrorResponse(request.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, $"{ex.GetType().Name}: {ex.Message}"));
        }
        try
        {
            await _transport.SendAsync(answer).ConfigureAwait(false);
        }
        catch (McpServerUnavailableException)
        {
            // The server is gone; it no longer waits for the answer.
        }
    }

    private async Task<JsonElement> HandleAsync(JsonRpcRequest request)
    {
        switch (request.Method)
        {
            case McpMethods.Ping:
                return McpJson.ToElement(new McpEmpty(), Ctx.McpEmpty);
            case McpMethods.RootsList:
                return McpJson.ToElement(new ListRootsResult { Roots = [] }, Ctx.ListRootsResult);
            case McpMethods.ElicitationCreate when _options.Elicitation is { } elicit:
                var parameters = McpJson.RequireParams(request.Params, Ctx.ElicitRequestParams, request.Method);
                if (parameters.Mode is not (null or "form"))
                {
                    throw McpException.InvalidParams($"This client answers form elicitations only, not mode '{parameters.Mode}'.");
                }
                using (var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider))
                {
                    var result = await elicit(parameters, timeout.Token).ConfigureAwait(false);
                    return McpJson.ToElement(result, Ctx.ElicitResult);
                }
            default:
                throw new McpException(JsonRpcErrorCodes.MethodNotFound, $"This client does not handle '{request.Method}'.");
        }
    }
}
