using System.Collections.Concurrent;
using AgentOS.Access;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Hosting.Mcp;
using AgentOS.Mcp.JsonRpc;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Http;

// MCP's Streamable HTTP transport at /mcp (revision 2025-11-25): POST carries client messages (requests are answered
// on a server-sent-event stream, or as JSON when the client does not accept SSE), GET opens the session's own stream,
// DELETE ends the session. Host and Origin are checked first (DNS rebinding), then the bearer token through the same
// credential table as every other endpoint; the session then acts as the token's agent (an administrator's session
// acts as ?agent=NAME, default echo) and every request of it is that agent's syscall.
public sealed partial class KernelHttpServer
{
    private const string SessionHeader = "Mcp-Session-Id";
    private readonly ConcurrentDictionary<string, McpHttpSession> _mcpSessions = new(StringComparer.Ordinal);
    private McpServer? _mcp;

    private ITimer? _mcpExpiry;

    /// <summary>The MCP server behind <c>/mcp</c> (made on first use).</summary>
    internal McpServer McpServer => LazyInitializer.EnsureInitialized(ref _mcp, () =>
    {
        var server = new McpServer(_kernel);
        // The kernel's sampling backend (serve adds one) asks this server's sessions.
        foreach (var sampling in _kernel.Llm.Backends.OfType<McpSamplingBackend>())
        {
            sampling.Server = server;
        }
        return server;
    });

    /// <summary>How many MCP sessions are open.</summary>
    internal int McpSessionCount => _mcpSessions.Count;

    private TimeSpan McpIdleTimeout => _kernel.McpOptions.SessionIdleTimeout;

    /// <summary>Ends the sessions idle longer than the configured timeout (<c>mcp.session_idle_timeout</c>); a sweep
    /// runs every quarter of it, and a request naming an idle session ends it too, so none outlives it.</summary>
    internal int ExpireIdleMcpSessions()
    {
        int ended = 0;
        foreach (var session in _mcpSessions.Values)
        {
            if (session.IsIdleFor(McpIdleTimeout) && EndMcpSession(session))
            {
                ended++;
            }
        }
        return ended;
    }

    private bool EndMcpSession(McpHttpSession session)
    {
        if (!_mcpSessions.TryRemove(session.Id, out _))
        {
            return false;
        }
        session.Standalone.Complete();
        _ = session.Session.DisposeAsync().AsTask();
        return true;
    }

    // The sweep's timer starts with the first session and stops with the server.
    private void EnsureMcpExpiry()
    {
        if (Volatile.Read(ref _mcpExpiry) is not null)
        {
            return;
        }
        var period = McpIdleTimeout / 4;
        var timer = _kernel.Time.CreateTimer(static s => ((KernelHttpServer)s!).ExpireIdleMcpSessions(), this, period, period);
        if (Interlocked.CompareExchange(ref _mcpExpiry, timer, null) is not null)
        {
            timer.Dispose();
            return;
        }
        _stopping.Token.Register(static t => ((ITimer)t!).Dispose(), timer);
    }

    private async Task HandleMcpAsync(HttpServerRequest request, HttpServerResponse response)
    {
        if (!HostAndOriginAllowed(request, out string why))
        {
            await WriteMcpErrorAsync(response, 403, JsonRpcErrorCodes.InvalidRequest, why).ConfigureAwait(false);
            return;
        }
        var caller = Authenticate(request, response);
        if (request.Headers["MCP-Protocol-Version"] is { } version && !McpProtocolVersions.IsSupported(version))
        {
            await WriteMcpErrorAsync(response, 400, JsonRpcErrorCodes.InvalidRequest, $"Unsupported MCP-Protocol-Version '{version}': this server speaks {string.Join(", ", McpProtocolVersions.Supported)}.").ConfigureAwait(false);
            return;
        }
        string? sessionId = request.Headers[SessionHeader];
        McpHttpSession? session = null;
        if (sessionId is not null)
        {
            if (_mcpSessions.TryGetValue(sessionId, out session) && session.IsIdleFor(McpIdleTimeout))
            {
                EndMcpSession(session); // expired: as gone as a deleted one (the sweep may not have come by yet)
                session = null;
            }
            if (session is null || session.Session.Principal.Name != caller.Name)
            {
                // Another principal's session is as unknown to this caller as one that ended.
                await WriteMcpErrorAsync(response, 404, JsonRpcErrorCodes.InvalidRequest, $"No MCP session '{sessionId}': it ended or never existed; initialize a new one.").ConfigureAwait(false);
                return;
            }
        }
        session?.BeginUse();
        try
        {
            await HandleMcpMethodAsync(request, response, caller, session).ConfigureAwait(false);
        }
        finally
        {
            session?.EndUse();
        }
    }

    private async Task HandleMcpMethodAsync(HttpServerRequest request, HttpServerResponse response, Principal caller, McpHttpSession? session)
    {
        switch (request.HttpMethod)
        {
            case "POST":
                await McpPostAsync(request, response, caller, session).ConfigureAwait(false);
                return;
            case "GET" when session is null:
            case "DELETE" when session is null:
                await WriteMcpErrorAsync(response, 400, JsonRpcErrorCodes.InvalidRequest, $"{request.HttpMethod} /mcp needs the {SessionHeader} header of an initialized session.").ConfigureAwait(false);
                return;
            case "GET":
                await McpGetAsync(request, response, session).ConfigureAwait(false);
                return;
            case "DELETE":
                EndMcpSession(session);
                response.StatusCode = 204;
                return;
            default:
                response.AddHeader("Allow", "GET, POST, DELETE");
                await WriteMcpErrorAsync(response, 405, JsonRpcErrorCodes.InvalidRequest, $"{request.HttpMethod} is not allowed on /mcp (GET, POST, DELETE).").ConfigureAwait(false);
                return;
        }
    }

    private async Task McpPostAsync(HttpServerRequest request, HttpServerResponse response, Principal caller, McpHttpSession? session)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var payload = JsonRpcReader.Parse(body);
        bool initializes = payload.Messages.Any(m => m is JsonRpcRequest { Method: McpMethods.Initialize });
        if (session is null)
        {
            if (!initializes)
            {
                await WriteMcpErrorAsync(response, 400, JsonRpcErrorCodes.InvalidRequest,
                    payload.Errors.Count > 0 ? payload.Errors[0].Error.Message : $"Send '{McpMethods.Initialize}' first; every later request carries the {SessionHeader} it answers with.").ConfigureAwait(false);
                return;
            }
            string agent = McpAgent(request, caller);
            session = new McpHttpSession(McpServer, caller, agent, _kernel.Time);
            _mcpSessions[session.Id] = session;
            EnsureMcpExpiry();
            session.BeginUse();
            try
            {
                await McpAnswerAsync(request, response, payload, session).ConfigureAwait(false);
            }
            finally
            {
                session.EndUse();
            }
            return;
        }
        await McpAnswerAsync(request, response, payload, session).ConfigureAwait(false);
    }

    private async Task McpAnswerAsync(HttpServerRequest request, HttpServerResponse response, JsonRpcPayload payload, McpHttpSession session)
    {
        response.AddHeader(SessionHeader, session.Id);
        var requests = new List<JsonRpcRequest>();
        foreach (var message in payload.Messages)
        {
            if (message is JsonRpcRequest r)
            {
                requests.Add(r);
            }
            else
            {
                await McpDispatch.OtherAsync(session.Session, message, session.Standalone).ConfigureAwait(false);
            }
        }
        var errors = McpDispatch.Errors(payload).ToList();
        if (requests.Count == 0 && errors.Count == 0)
        {
            response.StatusCode = 202;
            return;
        }
        if (requests.Count == 0)
        {
            await WriteMcpBytesAsync(response, 400, payload.IsBatch ? McpMessages.Array(errors) : errors[0]).ConfigureAwait(false);
            return;
        }
        if (!(request.Headers["Accept"] ?? "").Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // A client that takes only JSON gets the answers at once, and nothing the server would say meanwhile.
            var sink = session.NewStream();
            var answers = await Task.WhenAll(requests.Select(r => McpDispatch.RequestAsync(session.Session, r, sink, _stopping.Token))).ConfigureAwait(false);
            errors.AddRange(answers.OfType<byte[]>());
            sink.Complete();
            if (errors.Count == 0)
            {
                response.StatusCode = 202;
                return;
            }
            await WriteMcpBytesAsync(response, 200, payload.IsBatch ? McpMessages.Array(errors) : errors[0]).ConfigureAwait(false);
            return;
        }
        var stream = session.NewStream();
        foreach (var error in errors)
        {
            await stream.SendAsync(error).ConfigureAwait(false);
        }
        var running = requests.Select(async r =>
        {
            if (await McpDispatch.RequestAsync(session.Session, r, stream, _stopping.Token).ConfigureAwait(false) is { } answer)
            {
                await stream.SendAsync(answer).ConfigureAwait(false);
            }
        }).ToList();
        _ = Task.WhenAll(running).ContinueWith(static (_, s) => ((McpHttpStream)s!).Complete(), stream, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        BeginEventStream(response);
        await PumpQuietlyAsync(stream, response, -1).ConfigureAwait(false);
    }

    private async Task McpGetAsync(HttpServerRequest request, HttpServerResponse response, McpHttpSession session)
    {
        if (!(request.Headers["Accept"] ?? "").Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await WriteMcpErrorAsync(response, 406, JsonRpcErrorCodes.InvalidRequest, "GET /mcp opens a server-sent-event stream: send 'Accept: text/event-stream'.").ConfigureAwait(false);
            return;
        }
        var stream = session.Standalone;
        long after = -1;
        if (McpHttpStream.ParseEventId(request.Headers["Last-Event-ID"]) is { } resume)
        {
            if (session.Find(resume.Stream) is not { } found)
            {
                await WriteMcpErrorAsync(response, 404, JsonRpcErrorCodes.InvalidRequest, $"The stream of event '{request.Headers["Last-Event-ID"]}' is no longer kept: reinitialize.").ConfigureAwait(false);
                return;
            }
            stream = found;
            after = resume.Sequence;
        }
        response.AddHeader(SessionHeader, session.Id);
        BeginEventStream(response);
        await PumpQuietlyAsync(stream, response, after).ConfigureAwait(false);
    }

    private async Task PumpQuietlyAsync(McpHttpStream stream, HttpServerResponse response, long after)
    {
        try
        {
            await stream.PumpAsync(response.OutputStream, after, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping; the events stay for a resumption.
        }
    }

    // The agent an MCP session acts as: an agent's own credential acts as itself; an administrator's (or an open
    // server's caller) names one with ?agent=NAME, default echo, and must be allowed to act for it.
    private string McpAgent(HttpServerRequest request, Principal caller)
    {
        string agent = request.QueryString["agent"] ?? (caller.IsAdmin ? "echo" : caller.Name);
        RequireActFor(caller, agent, "?agent");
        return agent;
    }

    // DNS rebinding: on a loopback binding the Host must be a loopback name, and an Origin (sent by browsers) must be
    // a loopback origin or the Host itself.
    private bool HostAndOriginAllowed(HttpServerRequest request, out string why)
    {
        string host = HostName(request.Headers["Host"] ?? "");
        if (HttpBinding.Parse(_options.Host).IsLoopback && !IsLoopbackName(host))
        {
            why = $"Host '{host}' is not this loopback server's name (localhost, 127.0.0.1, [::1]): refused against DNS rebinding.";
            return false;
        }
        if (request.Headers["Origin"] is { Length: > 0 } origin
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (IsLoopbackName(uri.Host) || string.Equals(uri.Host, host, StringComparison.OrdinalIgnoreCase))))
        {
            why = $"Origin '{origin}' is neither a loopback origin nor this server's host: refused against DNS rebinding.";
            return false;
        }
        why = "";
        return true;
    }

    private static string HostName(string hostHeader)
    {
        if (hostHeader.StartsWith('['))
        {
            int end = hostHeader.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? hostHeader[..(end + 1)] : hostHeader;
        }
        int colon = hostHeader.LastIndexOf(':');
        return colon >= 0 ? hostHeader[..colon] : hostHeader;
    }

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host is "127.0.0.1" or "[::1]" or "::1";

    private static Task WriteMcpErrorAsync(HttpServerResponse response, int status, int code, string message)
    {
        var bytes = McpMessages.Error(default, new JsonRpcError(code, message));
        return WriteMcpBytesAsync(response, status, bytes);
    }

    private static async Task WriteMcpBytesAsync(HttpServerResponse response, int status, byte[] bytes)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
