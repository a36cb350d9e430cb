using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;
using AgentOS.Serialization;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// A client of one MCP server over any <see cref="IMcpTransport"/>: the initialize handshake, requests matched to
/// their answers by id (each with a timeout on the options' clock, cancelled on the server when abandoned), and the
/// server's own requests (ping, roots, elicitation) answered. Thread-safe: many requests may be in flight at once.
/// </summary>
public sealed partial class McpClient : IAsyncDisposable
{
    private readonly IMcpTransport _transport;
    private readonly McpClientOptions _options;
    private readonly ConcurrentDictionary<JsonRpcId, TaskCompletionSource<JsonElement>> _pending = new();
    private long _nextId;
    private string? _closedReason;

    private McpClient(IMcpTransport transport, McpClientOptions options)
    {
        _transport = transport;
        _options = options;
    }

    /// <summary>What the server said about itself at initialize.</summary>
    public InitializeResult Server { get; private set; } = null!;

    /// <summary>The transport (tests reach the child process through it).</summary>
    public IMcpTransport Transport => _transport;

    /// <summary>Completes when the connection is gone; its result says why.</summary>
    public Task<string> Completion => _transport.Completion;

    /// <summary>Starts <paramref name="transport"/> and runs the initialize handshake.</summary>
    /// <exception cref="McpServerUnavailableException">The server could not be started or reached.</exception>
    /// <exception cref="McpException">The server refused to initialize.</exception>
    public static async Task<McpClient> ConnectAsync(IMcpTransport transport, McpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var client = new McpClient(transport, options ?? new McpClientOptions());
        try
        {
            await transport.StartAsync(client.ReceiveAsync, cancellationToken).ConfigureAwait(false);
            _ = client.WatchAsync();
            var request = new InitializeRequestParams
            {
                ProtocolVersion = McpProtocolVersions.Latest,
                ClientInfo = client._options.ClientInfo,
                Capabilities = new ClientCapabilities
                {
                    Elicitation = client._options.Elicitation is null ? null : new ElicitationCapability(),
                },
            };
            var result = await client.RequestAsync(McpMethods.Initialize, request, Ctx.InitializeRequestParams, Ctx.InitializeResult, cancellationToken).ConfigureAwait(false);
            if (!McpProtocolVersions.IsSupported(result.ProtocolVersion))
            {
                throw new McpException(JsonRpcErrorCodes.InvalidRequest, $"The MCP server chose protocol revision '{result.ProtocolVersion}', which this client does not speak (it speaks {string.Join(", ", McpProtocolVersions.Supported)}).");
            }
            client.Server = result;
            transport.ProtocolVersion = result.ProtocolVersion;
            await transport.SendAsync(new JsonRpcNotification(McpMethods.Initialized, null), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a request and reads its result as <typeparamref name="TResult"/>.</summary>
    /// <exception cref="McpException">The server answered with an error.</exception>
    /// <exception cref="McpServerUnavailableException">The connection is gone.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="McpClientOptions.RequestTimeout"/>.</exception>
    public async Task<TResult> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken = default)
    {
        JsonElement? body = parameters is null ? null : McpJson.ToElement(parameters, paramsType);
        var result = await RequestAsync(method, body, cancellationToken).ConfigureAwait(false);
        try
        {
            return result.Deserialize(resultType) ?? throw new McpException(JsonRpcErrorCodes.InternalError, $"The MCP server answered {method} with null.");
        }
        catch (JsonException ex)
        {
            throw new McpException(JsonRpcErrorCodes.InternalError, $"The MCP server's answer to {method} is malformed: {ex.Message}");
        }
    }

    /// <summary>Sends a request with raw parameters and returns its raw result.</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonElement? parameters, CancellationToken cancellationToken = default)
    {
        if (_closedReason is { } closed)
        {
            throw new McpServerUnavailableException(closed);
        }
        var id = JsonRpcId.FromNumber(Interlocked.Increment(ref _nextId));
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _transport.SendAsync(new JsonRpcRequest(id, method, parameters), linked.Token).ConfigureAwait(false);
            return await answer.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            await CancelOnServerAsync(id, timeout.IsCancellationRequested ? "timed out" : "cancelled").ConfigureAwait(false);
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The MCP server did not answer {method} within {_options.RequestTimeout.TotalSeconds:0.#} s; it was asked to cancel it.");
            }
            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task CancelOnServerAsync(JsonRpcId id, string reason)
    {
        var cancelled = McpJson.ToElement(new CancelledParams { RequestId = id, Reason = reason }, Ctx.CancelledParams);
        try
        {
            await _transport.SendAsync(new JsonRpcNotification(McpMethods.CancelledNotification, cancelled)).ConfigureAwait(false);
        }
        catch (McpServerUnavailableException)
        {
            // Nothing to cancel on a server that is gone.
        }
    }

    // When the connection ends, every request still waiting fails with the reason, typed.
    private async Task WatchAsync()
    {
        string reason = await _transport.Completion.ConfigureAwait(false);
        _closedReason = reason;
        foreach (var (id, waiter) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                waiter.TrySetException(new McpServerUnavailableException(reason));
            }
        }
    }

    /// <summary>Closes the connection (a stdio server's process ends; an HTTP session is deleted).</summary>
    public ValueTask DisposeAsync() => _transport.DisposeAsync();

    private static AgentOSJsonContext Ctx => AgentOSJsonContext.Default;
}
