using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AgentOS.Serialization;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// One client connection: reads a request head within the headers timeout (or, between requests, the keep-alive
/// timeout until a first byte arrives), hands the request to the handler, sends the response and, when both sides
/// allow, waits for the next. Malformed or oversized input is answered with its 4xx and the connection closes; a
/// client that stalls is closed at its timeout.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "RunAsync owns the IO and disposes it when the connection ends; Abort may race it and only closes.")]
internal sealed class HttpConnection
{
    private const int Idle = 0, Busy = 1, Closed = 2;

    private readonly ConnectionIO _io;
    private readonly HttpTransportServer _server;
    private readonly HttpLimits _limits;
    private readonly IPEndPoint? _remote;
    private readonly IPEndPoint? _local;
    private int _state = Idle;

    public HttpConnection(Socket socket, HttpTransportServer server, HttpLimits limits)
    {
        _server = server;
        _limits = limits;
        _remote = socket.RemoteEndPoint as IPEndPoint;
        _local = socket.LocalEndPoint as IPEndPoint;
        _io = new ConnectionIO(socket, limits, server.Counters);
    }

    /// <summary>Closes the connection if it is between requests (a stop closes idle connections at once).</summary>
    public void CloseIfIdle()
    {
        if (Interlocked.CompareExchange(ref _state, Closed, Idle) == Idle)
        {
            _io.Abort();
        }
    }

    /// <summary>Closes the connection whatever it is doing.</summary>
    public void Abort()
    {
        Volatile.Write(ref _state, Closed);
        _io.Abort();
    }

    public async Task RunAsync(long acceptedAt)
    {
        try
        {
            long headDeadline = acceptedAt + Ticks(_limits.RequestHeadersTimeout);
            for (bool first = true; ; first = false)
            {
                var head = await ReadHeadAsync(first ? headDeadline : _io.DeadlineIn(_limits.KeepAliveTimeout), !first).ConfigureAwait(false);
                if (head is null || !await ServeAsync(head).ConfigureAwait(false))
                {
                    return;
                }
                if (Interlocked.CompareExchange(ref _state, Idle, Busy) != Busy || _server.IsStopping)
                {
                    return;
                }
            }
        }
        catch (HttpProtocolException ex)
        {
            await RefuseAsync(ex.StatusCode, ex.Message).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The client did not finish its request head in time: it gets a 408 if it still reads, then the close.
            await RefuseAsync(408, $"The request head did not arrive within {_limits.RequestHeadersTimeout.TotalSeconds} s.");
        }
        catch (IOException)
        {
            // The client went away.
        }
        finally
        {
            _io.Close();
            _io.Dispose();
        }
    }

    // Reads up to the blank line that ends a head. Returns null when the client closed cleanly between requests (or
    // a stop closed the idle connection). On a kept-alive connection the first byte switches the wait from the
    // keep-alive timeout to the headers timeout.
    private async Task<HttpRequestHead?> ReadHeadAsync(long deadline, bool keptAlive)
    {
        bool begun = false;
        while (true)
        {
            var buffered = _io.Buffered;
            int skip = 0;
            while (buffered.Length - skip >= 2 && buffered[skip] == '\r' && buffered[skip + 1] == '\n')
            {
                skip += 2; // RFC 9112: a server ignores empty lines before a request line
            }
            if (skip > 0)
            {
                _io.Consume(skip);
                buffered = _io.Buffered;
            }
            if (!buffered.IsEmpty && !begun)
            {
                begun = true;
                if (Interlocked.CompareExchange(ref _state, Busy, Idle) != Idle)
                {
                    return null; // closed by a stop while the first bytes arrived: the request was never served
                }
                if (keptAlive)
                {
                    deadline = _io.DeadlineIn(_limits.RequestHeadersTimeout);
                }
            }
            int end = buffered.IndexOf("\r\n\r\n"u8);
            int lineEnd = buffered.IndexOf("\r\n"u8);
            int headEnd = end >= 0 ? end + 2 : buffered.Length;
            if ((lineEnd < 0 ? buffered.Length : lineEnd) > _limits.MaxRequestLineBytes)
            {
                throw new HttpProtocolException(414, $"The request line is longer than {_limits.MaxRequestLineBytes} bytes.");
            }
            if (headEnd - Math.Max(lineEnd, 0) > _limits.MaxRequestHeadersBytes || (end < 0 && buffered.Length >= _io.Capacity))
            {
                throw new HttpProtocolException(431, $"The request headers are larger than {_limits.MaxRequestHeadersBytes} bytes.");
            }
            if (end >= 0)
            {
                var head = HttpRequestHead.Parse(buffered[..headEnd]);
                _io.Consume(end + 4);
                return head;
            }
            bool more;
            try
            {
                more = await _io.ReceiveAsync(deadline).ConfigureAwait(false);
            }
            catch (Exception ex) when (!begun && ex is IOException or TimeoutException)
            {
                return null; // an idle connection timed out, was closed by a stop, or was reset: nothing was asked
            }
            if (!more)
            {
                if (begun || !_io.Buffered.IsEmpty)
                {
                    throw new HttpProtocolException(400, "The client closed its connection in the middle of a request head.");
                }
                return null;
            }
        }
    }

    // Serves one request; false when the connection must close after it.
    private async Task<bool> ServeAsync(HttpRequestHead head)
    {
        var url = RequestUrl(head);
        var body = RequestBodyStream.For(head, _io, _limits, () => _io.SendAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray()));
        var request = new HttpServerRequest(head, url, body, _remote);
        var response = new HttpServerResponse(new ResponseBodyStream(_io, head.Method == "HEAD", () => body.Failure is not null));
        bool clientKeepsAlive = head.Version.Minor == 1
            ? !HasToken(head.Headers["Connection"], "close")
            : HasToken(head.Headers["Connection"], "keep-alive");
        _server.BeginRequest();
        try
        {
            try
            {
                await _server.Handler(request, response).ConfigureAwait(false);
            }
            catch (Exception) when (body.Failure is null && !response.HasStarted)
            {
                // A handler that throws without answering: 500, never a silent 200.
                response.StatusCode = 500;
                response.ContentLength64 = -1;
                response.ContentType = "application/json; charset=utf-8";
                await response.Body.WriteAsync(ErrorJson("internal_error", "The server failed while handling this request.")).ConfigureAwait(false);
            }
            catch (IOException) when (body.Failure is null)
            {
                return false; // the client went away mid-response
            }
            catch (Exception) when (body.Failure is not null)
            {
                // The body broke a limit or its framing: the connection answers that below, not the handler.
            }
            if (body.Failure is { } failure)
            {
                if (!response.HasStarted)
                {
                    await RefuseAsync(failure.StatusCode, failure.Message).ConfigureAwait(false);
                }
                return false;
            }
            // A body the handler did not read leaves the connection mid-request: it closes after this response.
            response.CloseConnection |= !clientKeepsAlive || !body.IsComplete || _server.IsStopping;
            await response.Body.CompleteAsync().ConfigureAwait(false);
            return !response.CloseConnection && response.Body.IsWhole;
        }
        catch (InvalidOperationException)
        {
            return false; // the handler broke its framing (a short Content-Length): the connection cannot be reused
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            _server.EndRequest();
        }
    }

    private Uri RequestUrl(HttpRequestHead head)
    {
        if (!head.Target.StartsWith('/'))
        {
            return Uri.TryCreate(head.Target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
                ? absolute
                : throw new HttpProtocolException(400, "The request target is not a path or an absolute http URL.");
        }
        string host = head.Headers["Host"] is { Length: > 0 } h ? h
            : _local is { } local ? new IPEndPoint(local.Address, local.Port).ToString()
            : "localhost";
        return Uri.TryCreate("http://" + host + head.Target, UriKind.Absolute, out var url)
            ? url
            : throw new HttpProtocolException(400, "The Host header is not a valid authority.");
    }

    private static bool HasToken(string? header, string token) =>
        header is not null && header.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    // Answers a request the connection cannot serve (bounded by the minimum response rate, so a client that does not
    // read cannot hold it); then the connection closes.
    private async Task RefuseAsync(int status, string message)
    {
        string code = status switch
        {
            408 => "request_timeout",
            503 => "server_busy",
            _ => "invalid_request",
        };
        try
        {
            await _io.SendAsync(RefusalBytes(status, code, message)).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client is gone or does not read: the close is all it gets.
        }
    }

    internal static byte[] RefusalBytes(int status, string code, string message)
    {
        var json = ErrorJson(code, message);
        var head = $"HTTP/1.1 {status} {HttpServerResponse.ReasonPhrase(status)}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n";
        return [.. System.Text.Encoding.ASCII.GetBytes(head), .. json];
    }

    private static byte[] ErrorJson(string code, string message) =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(new SyscallError { Code = code, Message = message }), AgentOSJsonContext.Default.ErrorBody);

    private long Ticks(TimeSpan span) => (long)Math.Min(span.TotalSeconds * _limits.TimeProvider.TimestampFrequency, long.MaxValue / 4);
}
