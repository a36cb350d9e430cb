using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Hosting.Http.Transport;
using System.Threading.Channels;
using AgentOS.Access;
using AgentOS.Events;
using AgentOS.Kernel;
using AgentOS.Syscalls;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Hosting.Http;

/// <summary>
/// The kernel's HTTP API on its own HTTP/1.1 server (<see cref="HttpTransportServer"/>, on sockets; no ASP.NET): submit a syscall,
/// run a registered agent, list agents, read the kernel's status, follow its events (server-sent events). Bad requests — malformed JSON, an unknown kind,
/// an oversized body, a missing token — get a 4xx with a JSON error body and change nothing in the kernel.
/// Every request authenticates and acts as its principal (see <see cref="HttpServerOptions"/> and <see cref="HttpAuthenticator"/>).
/// </summary>
/// <remarks>
/// Stopping is two steps, so that no request is told it succeeded when it did not: <see cref="StopAccepting"/> refuses
/// new requests with a typed 503 (<c>kernel_stopping</c>) while those in flight wait for their syscalls, which the
/// kernel's draining stop completes or fails with <c>kernel_stopping</c>; then <see cref="DisposeAsync"/> ends the
/// event streams and waits for every in-flight answer to be sent before it closes the connections.
/// </remarks>
public sealed partial class KernelHttpServer : IAsyncDisposable
{
    private readonly AgentKernel _kernel;
    private readonly HttpServerOptions _options;
    private readonly HttpAuthenticator _authenticator;
    private readonly HttpTransportServer _transport;
    private readonly CancellationTokenSource _stopping = new();
    private int _refusing;
    private int _disposed;
    private long _requests;

    private KernelHttpServer(AgentKernel kernel, HttpServerOptions options, HttpAuthenticator authenticator, HttpBinding binding)
    {
        _kernel = kernel;
        _options = options;
        _authenticator = authenticator;
        _transport = HttpTransportServer.Start(binding.Addresses, options.Port, options.Limits, HandleAsync);
        Url = new Uri($"http://{binding.UrlHost}:{_transport.Port}/");
        // Sessions' network proxy never forwards to the kernel's own API, whatever a grant says.
        foreach (var endpoint in _transport.EndPoints)
        {
            kernel.Sessions?.KernelEndpoints.Add(endpoint);
        }
    }

    /// <summary>The base URL it listens on, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The addresses and port bound (<c>localhost</c> binds both loopbacks).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _transport.EndPoints;

    /// <summary>Binds and starts serving <paramref name="kernel"/>.</summary>
    /// <exception cref="ArgumentException">A host that is not an address (see <see cref="HttpBinding"/>), a token that is
    /// empty or holds whitespace, no credentials and not <see cref="HttpServerOptions.InsecureNoAuth"/>, or a non-loopback
    /// host with <see cref="HttpServerOptions.InsecureNoAuth"/>.</exception>
    /// <exception cref="SocketException">The address could not be bound (in use, not on this machine, no permission).</exception>
    public static KernelHttpServer Start(AgentKernel kernel, HttpServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= new HttpServerOptions();
        var binding = HttpBinding.Parse(options.Host);
        if (!binding.IsLoopback && options.InsecureNoAuth)
        {
            throw new ArgumentException($"Binding {options.Host} without authentication would let anyone on the network act as an administrator: drop --insecure-no-auth (and use the admin token serve prints), or bind 127.0.0.1.", nameof(options));
        }
        var authenticator = options.CreateAuthenticator();
        return new KernelHttpServer(kernel, options, authenticator, binding);
    }

    /// <summary>
    /// Stops taking requests: new ones, and those not yet routed, get a typed 503 (<c>kernel_stopping</c>); those in
    /// flight go on. Call before stopping the kernel.
    /// </summary>
    public void StopAccepting()
    {
        Volatile.Write(ref _refusing, 1);
        _transport.StopAccepting();
    }

    /// <summary>Stops: refuses new requests, ends event streams, waits for in-flight answers (up to the limits'
    /// shutdown timeout), and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        StopAccepting();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _transport.StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>How many requests it has taken (whatever their answer): a measure of activity.</summary>
    public long RequestsHandled => Volatile.Read(ref _requests);

    private async Task HandleAsync(HttpServerRequest request, HttpServerResponse response)
    {
        Interlocked.Increment(ref _requests);
        try
        {
            if (Volatile.Read(ref _refusing) != 0)
            {
                throw new KernelStoppingException("The kernel is stopping and takes no new requests; retry against its next start.");
            }
            await RouteAsync(request, response).ConfigureAwait(false);
        }
        catch (HttpError error)
        {
            await WriteErrorAsync(response, error.Status, error.Error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
        {
            var error = SyscallError.From(ex);
            await WriteErrorAsync(response, StatusFor(error.Code), error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not IOException)
        {
            await WriteErrorAsync(response, 500, SyscallError.From(ex)).ConfigureAwait(false);
        }
        finally
        {
            response.Close();
        }
    }

    private async Task RouteAsync(HttpServerRequest request, HttpServerResponse response)
    {
        var path = request.Url?.AbsolutePath.TrimEnd('/') ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (IsOpenAiPath(segments))
        {
            await HandleOpenAiAsync(request, response, segments).ConfigureAwait(false); // its own API keys and error shape
            return;
        }
        if (segments is ["mcp"])
        {
            await HandleMcpAsync(request, response).ConfigureAwait(false); // MCP's Streamable HTTP (KernelHttpServer.Mcp.cs)
            return;
        }
        var caller = Authenticate(request, response);
        switch (request.HttpMethod, segments)
        {
            case ("GET", ["v1", "status"]):
                await WriteAsync(response, 200, VisibleStatus(caller), AgentOSJsonContext.Default.KernelStatus).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "agents"]):
                await WriteAsync(response, 200, VisibleStatus(caller).Agents, AgentOSJsonContext.Default.IReadOnlyListAgentStatus).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "agents", var name, "run"]):
                // A registered agent runs with its own grants: starting it is acting for it.
                string agentName = Uri.UnescapeDataString(name);
                RequireActFor(caller, agentName, "the agent in the path");
                var run = await ReadAsync(request, AgentOSJsonContext.Default.RunAgentRequest).ConfigureAwait(false);
                var output = await _kernel.RunAgentAsync(agentName, run.Input).ConfigureAwait(false);
                await WriteAsync(response, 200, new RunAgentResponse(name, output), AgentOSJsonContext.Default.RunAgentResponse).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "schemas", .. var schema]):
                await WriteSchemaAsync(response, schema).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "events"]):
                await StreamEventsAsync(caller, request.Headers["Authorization"], response).ConfigureAwait(false);
                return;
            case ("GET", ["v1", "approvals"]):
                await WriteAsync(response, 200, PendingApprovals(caller), AgentOSJsonContext.Default.IReadOnlyListApprovalView).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "approvals", var id]):
                await DecideAsync(caller, request, response, id).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "syscalls"]) when request.QueryString["stream"] == "true":
                await StreamSyscallAsync(ActingAs(caller, await ReadAsync(request, AgentOSJsonContext.Default.SyscallRequest).ConfigureAwait(false)), response).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "syscalls"]):
                var syscall = ActingAs(caller, await ReadAsync(request, AgentOSJsonContext.Default.SyscallRequest).ConfigureAwait(false));
                var result = await _kernel.Port.SubmitAsync(syscall).ConfigureAwait(false);
                await WriteAsync(response, 200, result, AgentOSJsonContext.Default.SyscallResponse).ConfigureAwait(false);
                return;
            case (_, ["v1", "tools", ..] or ["v1", "mcp_servers", ..]):
                await RouteToolsAsync(caller, request, response, segments).ConfigureAwait(false);
                return;
            case (_, ["v1", "status"] or ["v1", "agents"] or ["v1", "agents", _, "run"] or ["v1", "syscalls"] or ["v1", "events"] or ["v1", "approvals"] or ["v1", "approvals", _]):
                throw new HttpError(405, "method_not_allowed", $"{request.HttpMethod} is not allowed on {path}.");
            default:
                throw new HttpError(404, "not_found", $"No endpoint at {path}. Endpoints: GET /v1/status, GET /v1/agents, GET /v1/schemas, GET /v1/models, POST /v1/chat/completions, GET /v1/events, GET /v1/approvals, POST /v1/approvals/{{id}}, POST /v1/agents/{{name}}/run, POST /v1/syscalls, GET/POST /v1/tools, POST /v1/mcp_servers.");
        }
    }

    private ManualApprover Approvals => (_kernel.Approver as ManualApprover ?? (_kernel.Approver as AgentOS.Hosting.Mcp.McpElicitationApprover)?.Fallback as ManualApprover)
        ?? throw new HttpError(404, "not_found", "This kernel does not take approvals over HTTP (it was started with another approver).");

    // Everything pending for a caller that may decide; otherwise only its own requests (and those of agents it acts for).
    private IReadOnlyList<ApprovalView> PendingApprovals(Principal caller)
    {
        bool all = Access.MayApprove(caller);
        return [.. Approvals.Pending
            .Where(p => all || Access.MayActFor(caller, p.Request.AgentId))
            .Select(p => new ApprovalView(p.Id, p.Request.AgentId, p.Request.Resource.ToString(), p.Request.Operation.ToString(), p.Request.Target, p.RequestedAt, p.Describe()))];
    }

    private AgentOS.Syscalls.SyscallRequest ActingAs(Principal caller, AgentOS.Syscalls.SyscallRequest syscall)
    {
        RequireActFor(caller, syscall.AgentId, "agent_id");
        syscall.ActedBy = string.Equals(caller.Name, syscall.AgentId, StringComparison.Ordinal) ? null : caller.Name;
        return syscall;
    }

    // The approver is the authenticated caller; a body that names someone else is refused, not believed.
    private async Task DecideAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string idText)
    {
        var approvals = Approvals;
        RequireApprove(caller);
        if (!long.TryParse(idText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id))
        {
            throw new HttpError(400, "invalid_request", $"'{idText}' is not an approval id (see GET /v1/approvals).");
        }
        var decision = await ReadAsync(request, AgentOSJsonContext.Default.ApprovalDecision).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(decision.Approver) && !string.Equals(decision.Approver, caller.Name, StringComparison.Ordinal))
        {
            throw new HttpError(403, "permission_denied", $"'approver' is '{AgentOS.Storage.StorageKey.Escape(decision.Approver)}' but the request is authenticated as '{caller.Name}': leave 'approver' out (the audit records the authenticated caller), or use that approver's own credential.", grant: "approve");
        }
        string approver = caller.Name;
        bool found = decision.Approve
            ? approvals.Approve(id, approver, decision.Reason)
            : approvals.Deny(id, approver, decision.Reason ?? "denied over HTTP");
        if (!found)
        {
            throw new HttpError(404, "not_found", $"No pending approval has id {id}: it was decided already, timed out, or never existed.");
        }
        response.StatusCode = 204;
    }

    // Server-sent events: each syscall transition as `event: agentos.syscall` with its JSON, until the client leaves
    // or the server stops. The bus subscriber only enqueues (it must not block); a slow client loses the oldest events.
    // A caller without the monitor grant sees only the events of agents it may act for (its own, at least). The
    // stream outlives the request's authentication, so each event re-checks the caller's credential: a token revoked
    // while the stream is open ends it with an `error` event instead of going on leaking events.
    private async Task StreamEventsAsync(Principal caller, string? authorization, HttpServerResponse response)
    {
        BeginEventStream(response);
        bool monitor = Access.MayMonitor(caller);
        var pending = Channel.CreateBounded<SyscallEvent>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        await using var subscription = _kernel.Events.Subscribe<SyscallEvent>(
            e =>
            {
                if (MaySee(caller, monitor, e.AgentId))
                {
                    pending.Writer.TryWrite(e);
                }
            },
            new SubscriptionOptions { Name = "http-sse" });
        var stream = response.OutputStream;
        await stream.WriteAsync(": agentos event stream\n\n"u8.ToArray(), _stopping.Token).ConfigureAwait(false);
        await stream.FlushAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            await foreach (var e in pending.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = _authenticator.Authenticate(authorization);
                if (now.Principal?.Name != caller.Name)
                {
                    var refusal = new SyscallError { Code = "unauthorized", Message = $"The credential of this event stream no longer authenticates '{caller.Name}' ({now.Describe()}): the stream ends." };
                    await WriteSseAsync(stream, "error", JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(refusal), AgentOSJsonContext.Default.ErrorBody)).ConfigureAwait(false);
                    return;
                }
                var json = JsonSerializer.SerializeToUtf8Bytes(e, AgentOSJsonContext.Default.SyscallEvent);
                await stream.WriteAsync(SseEventPrefix, _stopping.Token).ConfigureAwait(false);
                await stream.WriteAsync(json, _stopping.Token).ConfigureAwait(false);
                await stream.WriteAsync(SseEventEnd, _stopping.Token).ConfigureAwait(false);
                await stream.FlushAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping: the stream simply ends.
        }
    }

    // POST /v1/syscalls?stream=true: an LLM syscall answered as server-sent events — `event: delta` with
    // {"text": ...} for each piece as it is generated, then `event: response` with the SyscallResponse, or
    // `event: error` with the error body (a stream cannot change its status code once it has begun).
    private async Task StreamSyscallAsync(AgentOS.Syscalls.SyscallRequest syscall, HttpServerResponse response)
    {
        if (syscall.Llm is null)
        {
            throw new HttpError(400, "invalid_request", "Only an LLM syscall can be streamed (?stream=true).");
        }
        using var abandon = new CancellationTokenSource();
        var (pieces, pending) = SubmitStreamed(syscall, abandon.Token);
        if (!await pieces.WaitToReadAsync().ConfigureAwait(false))
        {
            await pending.ConfigureAwait(false); // a refusal before the first piece keeps its own status (400, 403, ...)
        }

        BeginEventStream(response);
        var stream = response.OutputStream;
        try
        {
            await foreach (var piece in pieces.ReadAllAsync().ConfigureAwait(false))
            {
                await WriteSseAsync(stream, "delta", JsonSerializer.SerializeToUtf8Bytes(new StreamDelta(piece), AgentOSJsonContext.Default.StreamDelta)).ConfigureAwait(false);
            }
            try
            {
                var result = await pending.ConfigureAwait(false);
                await WriteSseAsync(stream, "response", JsonSerializer.SerializeToUtf8Bytes(result, AgentOSJsonContext.Default.SyscallResponse)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
            {
                await WriteSseAsync(stream, "error", JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(SyscallError.From(ex)), AgentOSJsonContext.Default.ErrorBody)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ClientGone(ex))
        {
            await AbandonAsync(abandon, pending).ConfigureAwait(false);
        }
    }

    // A write that fails means the client went away (reset or closed its connection).
    private static bool ClientGone(Exception ex) => ex is IOException or ObjectDisposedException;

    // The client of a stream went away: its syscall is cancelled, so the generation gives its backend slot back now
    // rather than run on to max_tokens for nobody. Nothing is left to answer.
    private static async Task AbandonAsync(CancellationTokenSource abandon, Task pending)
    {
        await abandon.CancelAsync().ConfigureAwait(false);
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SyscallException or OperationCanceledException)
        {
        }
    }

    private static async Task WriteSseAsync(Stream stream, string name, byte[] json)
    {
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"event: {name}\ndata: ")).ConfigureAwait(false);
        await stream.WriteAsync(json).ConfigureAwait(false);
        await stream.WriteAsync(SseEventEnd).ConfigureAwait(false);
        await stream.FlushAsync().ConfigureAwait(false);
    }

    // Submits a streamed LLM syscall: its pieces arrive on the returned reader, which completes when the syscall ends
    // (the task then holds the response or the failure).
    private (ChannelReader<string> Pieces, Task<SyscallResponse> Pending) SubmitStreamed(AgentOS.Syscalls.SyscallRequest syscall, CancellationToken cancellationToken)
    {
        var pieces = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        syscall.StreamTo = pieces.Writer;
        var pending = _kernel.Port.SubmitAsync(syscall, cancellationToken).AsTask();
        _ = pending.ContinueWith(static (_, writer) => ((ChannelWriter<string>)writer!).TryComplete(), pieces.Writer,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (pieces.Reader, pending);
    }

    private static void BeginEventStream(HttpServerResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        response.AddHeader("Cache-Control", "no-cache");
    }

    private static void AddRetryAfter(HttpServerResponse response, SyscallError error)
    {
        if (error.RetryAfterMs is { } ms)
        {
            response.AddHeader("Retry-After", Math.Max(1, (long)Math.Ceiling(ms / 1000.0)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static readonly byte[] SseEventPrefix = "event: agentos.syscall\ndata: "u8.ToArray();
    private static readonly byte[] SseEventEnd = "\n\n"u8.ToArray();

    private async Task<T> ReadAsync<T>(HttpServerRequest request, JsonTypeInfo<T> type) where T : class
    {
        var body = (await ReadBodyAsync(request).ConfigureAwait(false)).AsSpan();
        // Checked whole, once: the parser leaves strings it keeps as raw JSON (message content, tool arguments)
        // unchecked until something reads them, and that read would fail deep inside a handler.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw new HttpError(400, "invalid_request", "The request body is not valid UTF-8.");
        }
        try
        {
            return JsonSerializer.Deserialize(body, type)
                ?? throw new HttpError(400, "invalid_request", "The request body is JSON null; send an object.");
        }
        catch (JsonException ex)
        {
            throw new HttpError(400, "invalid_request", $"The request body is not valid JSON for this endpoint: {ex.Message}");
        }
    }

    // The whole body, refused (413) past the limit, whether it declared its length or not.
    private async Task<byte[]> ReadBodyAsync(HttpServerRequest request)
    {
        if (request.ContentLength64 > _options.MaxBodyBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxBodyBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private HttpError TooLarge() => new(413, "invalid_request", $"The request body is larger than the limit of {_options.MaxBodyBytes} bytes.");

    private static async Task WriteAsync<T>(HttpServerResponse response, int status, T body, JsonTypeInfo<T> type)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, type);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpServerResponse response, int status, SyscallError error)
    {
        try
        {
            AddRetryAfter(response, error);
            await WriteAsync(response, status, new ErrorBody(error), AgentOSJsonContext.Default.ErrorBody).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away; nothing to tell it.
        }
    }

    /// <summary>The HTTP status for a syscall error code.</summary>
    public static int StatusFor(string code) => code switch
    {
        "invalid_request" or "not_supported" => 400,
        "permission_denied" => 403,
        "budget_exceeded" or "rate_limited" => 429,
        "memory_quota_exceeded" => 507,
        "cancelled" => 499,
        "backend_failed" => 502,
        "kernel_stopping" => 503,
        "agent_paused" => 423,
        "deadline_exceeded" => 504,
        _ => 500,
    };

    private sealed class HttpError(int status, string code, string message, string? grant = null) : Exception(message)
    {
        public int Status { get; } = status;
        public SyscallError Error { get; } = new() { Code = code, Message = message, Grant = grant };
    }
}
