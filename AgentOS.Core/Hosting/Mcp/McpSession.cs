using System.Collections.Concurrent;
using AgentOS.Access;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// One MCP session: a client that initialized, the principal it authenticated as and the agent it acts as. Every
/// request that touches a kernel resource becomes an ordinary syscall of that agent through the kernel's port
/// (scheduled, permission-checked, budgeted, audited, evented). Transport-free: stdio and Streamable HTTP hand it
/// parsed messages and a sink for what goes back. Split by concern: tools, resources, prompts, outbound (the server's
/// own requests, logging).
/// </summary>
internal sealed partial class McpSession : IAsyncDisposable
{
    private static long s_opened;
    private readonly ConcurrentDictionary<JsonRpcId, CancellationTokenSource> _inFlight = new();
    private int _disposed;

    public McpSession(McpServer server, Principal principal, string agentId, IMcpSink sessionSink)
    {
        Server = server;
        Principal = principal;
        AgentId = agentId;
        SessionSink = sessionSink;
    }

    public McpServer Server { get; }

    /// <summary>When it opened, as a sequence number (later sessions are larger).</summary>
    public long Opened { get; } = Interlocked.Increment(ref s_opened);

    public Principal Principal { get; }

    /// <summary>The agent every syscall of this session runs as.</summary>
    public string AgentId { get; }

    /// <summary>Where messages that belong to no request go (stdout; the HTTP session's GET stream).</summary>
    public IMcpSink SessionSink { get; set; }

    public string? ProtocolVersion { get; private set; }

    public ClientCapabilities? ClientCapabilities { get; private set; }

    public Implementation? ClientInfo { get; private set; }

    /// <summary>The session id HTTP gives it (stdio sessions have none).</summary>
    public string? Id { get; init; }

    /// <summary>Handles one message. Returns the answer to send for a request (null for anything else, and for a
    /// request the client cancelled, which gets no answer).</summary>
    public async ValueTask<byte[]?> HandleAsync(JsonRpcMessage message, IMcpSink sink, CancellationToken cancellationToken = default)
    {
        switch (message)
        {
            case JsonRpcRequest request:
                return await HandleRequestAsync(request, sink, cancellationToken).ConfigureAwait(false);
            case JsonRpcNotification notification:
                HandleNotification(notification);
                return null;
            case JsonRpcResponse response:
                CompleteOutbound(response.Id, response.Result, null);
                return null;
            case JsonRpcErrorResponse failure:
                CompleteOutbound(failure.Id, default, failure.Error);
                return null;
            default:
                return null;
        }
    }

    private async ValueTask<byte[]?> HandleRequestAsync(JsonRpcRequest request, IMcpSink sink, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!_inFlight.TryAdd(request.Id, cancel))
        {
            return McpMessages.Error(request.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidRequest, $"Request id {request.Id} is already in use by a request in flight: use a new id."));
        }
        try
        {
            return await DispatchAsync(request, sink, cancel.Token).ConfigureAwait(false);
        }
        catch (McpException ex)
        {
            return McpMessages.Error(request.Id, ex.ToError());
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null; // cancelled by the client: no answer (MCP's cancellation rule)
        }
        catch (InvalidRequestException ex)
        {
            return McpMessages.Error(request.Id, new JsonRpcError(JsonRpcErrorCodes.InvalidParams, ex.Message));
        }
        catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
        {
            var error = SyscallError.From(ex);
            return McpMessages.Error(request.Id, new JsonRpcError(JsonRpcErrorCodes.InternalError, $"{error.Code}: {error.Message}"));
        }
        finally
        {
            _inFlight.TryRemove(request.Id, out _);
        }
    }

    private ValueTask<byte[]?> DispatchAsync(JsonRpcRequest request, IMcpSink sink, CancellationToken cancellationToken)
    {
        var p = request.Params;
        var json = AgentOSJsonContext.Default;
        if (ProtocolVersion is null && request.Method is not (McpMethods.Initialize or McpMethods.Ping))
        {
            throw new McpException(JsonRpcErrorCodes.InvalidRequest, $"The session is not initialized: send '{McpMethods.Initialize}' first.");
        }
        switch (request.Method)
        {
            case McpMethods.Initialize:
                return Done(McpMessages.Result(request.Id, Initialize(McpJson.RequireParams(p, json.InitializeRequestParams, request.Method)), json.InitializeResult));
            case McpMethods.Ping:
                return Done(McpMessages.Result(request.Id, new McpEmpty(), json.McpEmpty));
            case McpMethods.ToolsList:
                return Done(McpMessages.Result(request.Id, ListTools(), json.ListToolsResult));
            case McpMethods.ToolsCall:
                return CallToolAsync(request, McpJson.RequireParams(p, json.CallToolRequestParams, request.Method), sink, cancellationToken);
            case McpMethods.ResourcesList:
                return ListResourcesAsync(request.Id, cancellationToken);
            case McpMethods.ResourcesTemplatesList:
                return Done(McpMessages.Result(request.Id, new ListResourceTemplatesResult { ResourceTemplates = Server.ResourceTemplates }, json.ListResourceTemplatesResult));
            case McpMethods.ResourcesRead:
                return ReadResourceAsync(request.Id, McpJson.RequireParams(p, json.ResourceRequestParams, request.Method).Uri, cancellationToken);
            case McpMethods.ResourcesSubscribe:
                return SubscribeAsync(request.Id, McpJson.RequireParams(p, json.ResourceRequestParams, request.Method).Uri, cancellationToken);
            case McpMethods.ResourcesUnsubscribe:
                Unsubscribe(McpJson.RequireParams(p, json.ResourceRequestParams, request.Method).Uri);
                return Done(McpMessages.Result(request.Id, new McpEmpty(), json.McpEmpty));
            case McpMethods.PromptsList:
                return Done(McpMessages.Result(request.Id, new ListPromptsResult { Prompts = Server.ListPrompts() }, json.ListPromptsResult));
            case McpMethods.PromptsGet:
                return Done(McpMessages.Result(request.Id, Server.GetPrompt(McpJson.RequireParams(p, json.GetPromptRequestParams, request.Method)), json.GetPromptResult));
            case McpMethods.LoggingSetLevel:
                SetLevel(McpJson.RequireParams(p, json.SetLevelRequestParams, request.Method).Level);
                return Done(McpMessages.Result(request.Id, new McpEmpty(), json.McpEmpty));
            case McpMethods.CompletionComplete:
                return CompleteAsync(request.Id, McpJson.RequireParams(p, json.CompleteRequestParams, request.Method), cancellationToken);
            default:
                throw new McpException(JsonRpcErrorCodes.MethodNotFound, $"Method not found: '{request.Method}'. This server answers initialize, ping, tools/*, resources/*, prompts/*, logging/setLevel and completion/complete.");
        }
    }

    private static ValueTask<byte[]?> Done(byte[] answer) => ValueTask.FromResult<byte[]?>(answer);

    private InitializeResult Initialize(InitializeRequestParams request)
    {
        ProtocolVersion = McpProtocolVersions.Negotiate(request.ProtocolVersion);
        ClientCapabilities = request.Capabilities;
        ClientInfo = request.ClientInfo;
        return McpServer.InitializeResult(ProtocolVersion);
    }

    private void HandleNotification(JsonRpcNotification notification)
    {
        if (notification.Method == McpMethods.CancelledNotification
            && McpJson.ReadParams(notification.Params, AgentOSJsonContext.Default.CancelledParams) is { RequestId: { } id }
            && _inFlight.TryGetValue(id, out var cancel))
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It finished meanwhile.
            }
        }
        // notifications/initialized, roots/list_changed and unknown notifications need nothing (and never an answer).
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var cancel in _inFlight.Values)
        {
            try
            {
                await cancel.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }
        FailOutbound("The MCP session ended.");
        await DisposeSubscriptionsAsync().ConfigureAwait(false);
        Server.Forget(this);
    }
}
