using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentOS.Mcp.JsonRpc;

namespace AgentOS.Tools.Mcp;

/// <summary>
/// The Streamable HTTP transport, client side: every message is a POST accepting JSON and server-sent events; the
/// session id the server assigns at initialize goes back on every later request (<c>Mcp-Session-Id</c>), with the
/// agreed revision (<c>MCP-Protocol-Version</c>). A request answered by an SSE stream that ends before the answer is
/// resumed: after the stream's <c>retry</c> delay, a GET with <c>Last-Event-ID</c> picks the stream up where it
/// stopped. After initialization a standalone GET stream carries the server's own requests and notifications
/// (<c>list_changed</c>); a server without one answers 405 and is not asked again.
/// </summary>
public sealed partial class HttpMcpTransport : IMcpTransport
{
    private static readonly TimeSpan DefaultRetry = TimeSpan.FromSeconds(1);
    private readonly Uri _endpoint;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<JsonRpcId, byte> _outstanding = new();
    private readonly SemaphoreSlim _deliver = new(1, 1);
    private Func<JsonRpcMessage, ValueTask>? _receive;
    private int _standaloneOpened;
    private int _disposed;

    /// <summary>A transport to the MCP endpoint <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The server's MCP URL (for example <c>http://127.0.0.1:3001/mcp</c>).</param>
    /// <param name="headers">Headers sent with every request (for example <c>Authorization</c>).</param>
    /// <param name="client">An HttpClient to use (default: a new one without a timeout, since streams stay open).</param>
    /// <param name="time">The clock that times reconnection delays.</param>
    public HttpMcpTransport(Uri endpoint, IReadOnlyDictionary<string, string>? headers = null, HttpClient? client = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _headers = headers ?? new Dictionary<string, string>();
        _ownsClient = client is null;
        _http = client ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<string> Completion => _completion.Task;

    /// <inheritdoc/>
    public string? ProtocolVersion { get; set; }

    /// <summary>The session id the server assigned, if it uses sessions.</summary>
    public string? SessionId { get; private set; }

    /// <inheritdoc/>
    public Task StartAsync(Func<JsonRpcMessage, ValueTask> receive, CancellationToken cancellationToken = default)
    {
        _receive = receive ?? throw new ArgumentNullException(nameof(receive));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task SendAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonRpcId? waitingFor = message is JsonRpcRequest request ? request.Id : null;
        if (waitingFor is { } id)
        {
            _outstanding.TryAdd(id, 0);
        }
        using var post = NewRequest(HttpMethod.Post);
        post.Headers.Accept.ParseAdd("application/json");
        post.Headers.Accept.ParseAdd("text/event-stream");
        post.Content = new ByteArrayContent(JsonRpcWriter.ToUtf8(message));
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            Forget(waitingFor);
            throw new McpServerUnavailableException($"Cannot reach the MCP server at {_endpoint}: {ex.Message}", ex);
        }
        if (response.Headers.TryGetValues("Mcp-Session-Id", out var sessions) && SessionId is null)
        {
            SessionId = sessions.FirstOrDefault();
        }
        bool streaming = false;
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound && SessionId is not null)
            {
                Forget(waitingFor);
                _completion.TrySetResult($"The MCP server at {_endpoint} ended session {SessionId} (HTTP 404).");
                throw new McpServerUnavailableException($"The MCP server at {_endpoint} no longer knows session {SessionId}; reconnect to start a new one.");
            }
            if (!response.IsSuccessStatusCode)
            {
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                Forget(waitingFor);
                if (waitingFor is { } failed)
                {
                    await DeliverAsync(new JsonRpcErrorResponse(failed, new JsonRpcError(JsonRpcErrorCodes.InternalError,
                        $"The MCP server at {_endpoint} answered HTTP {(int)response.StatusCode}: {Shorten(body)}"))).ConfigureAwait(false);
                    return;
                }
                throw new McpServerUnavailableException($"The MCP server at {_endpoint} refused a message with HTTP {(int)response.StatusCode}: {Shorten(body)}");
            }
            string? mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType == "text/event-stream")
            {
                streaming = true;
                _ = ReadStreamAsync(response, waitingFor, standalone: false);
            }
            else if (mediaType == "application/json" && response.StatusCode != HttpStatusCode.Accepted)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                await DeliverPayloadAsync(bytes).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!streaming)
            {
                response.Dispose();
            }
        }
        if (message is JsonRpcNotification { Method: AgentOS.Mcp.Protocol.McpMethods.Initialized } && Interlocked.Exchange(ref _standaloneOpened, 1) == 0)
        {
            _ = OpenStandaloneStreamAsync();
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method)
    {
        var request = new HttpRequestMessage(method, _endpoint);
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (SessionId is { } session)
        {
            request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        }
        if (ProtocolVersion is { } version)
        {
            request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version);
        }
        return request;
    }

    private void Forget(JsonRpcId? id)
    {
        if (id is { } value)
        {
            _outstanding.TryRemove(value, out _);
        }
    }

    // Messages arrive from several streams at once; the client sees them one at a time.
    private async ValueTask DeliverAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcResponse response:
                _outstanding.TryRemove(response.Id, out _);
                break;
            case JsonRpcErrorResponse failure:
                _outstanding.TryRemove(failure.Id, out _);
                break;
        }
        await _deliver.WaitAsync().ConfigureAwait(false);
        try
        {
            await _receive!(message).ConfigureAwait(false);
        }
        finally
        {
            _deliver.Release();
        }
    }

    private async ValueTask DeliverPayloadAsync(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return;
        }
        // Entries that are not valid messages (a server's answer to a notification, say) carry nothing to act on.
        foreach (var message in JsonRpcReader.Parse(utf8).Messages)
        {
            await DeliverAsync(message).ConfigureAwait(false);
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>Ends the session (DELETE, when the server gave one) and every open stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (SessionId is not null)
        {
            using var delete = NewRequest(HttpMethod.Delete);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            try
            {
                using var _ = await _http.SendAsync(delete, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // Best effort: the server ends idle sessions itself.
            }
        }
        _completion.TrySetResult($"The connection to the MCP server at {_endpoint} was closed.");
        if (_ownsClient)
        {
            _http.Dispose();
        }
        _stop.Dispose();
    }

    private static readonly Encoding Utf8 = new UTF8Encoding(false);
}
