using System.Globalization;
using System.Text;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// The response a handler fills in: the members the kernel's routes use, named as <c>HttpListenerResponse</c> names
/// them. The head goes out with the first flush or when the handler ends; a body of unknown length is sent chunked
/// once it outgrows the buffer or is flushed, otherwise with a Content-Length.
/// </summary>
public sealed class HttpServerResponse
{
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private int _statusCode = 200;
    private string? _contentType;
    private long _contentLength = -1;
    private bool _sendChunked;

    internal HttpServerResponse(ResponseBodyStream body)
    {
        Body = body;
        body.Attach(this);
    }

    /// <summary>The status code (default 200); fixed once the response has begun.</summary>
    public int StatusCode
    {
        get => _statusCode;
        set
        {
            ThrowIfStarted();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 200);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 999);
            _statusCode = value;
        }
    }

    /// <summary>The Content-Type header.</summary>
    public string? ContentType
    {
        get => _contentType;
        set
        {
            ThrowIfStarted();
            _contentType = value;
        }
    }

    /// <summary>The body's length, or -1 (the default) to let the server choose: a Content-Length when the body fits
    /// its buffer, chunked otherwise.</summary>
    public long ContentLength64
    {
        get => _contentLength;
        set
        {
            ThrowIfStarted();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            _contentLength = value;
        }
    }

    /// <summary>Sends the body chunked, each flush reaching the client at once (event streams).</summary>
    public bool SendChunked
    {
        get => _sendChunked;
        set
        {
            ThrowIfStarted();
            _sendChunked = value;
        }
    }

    /// <summary>Whether the head has been sent: status and headers can no longer change.</summary>
    public bool HasStarted => Body.HasStarted;

    /// <summary>The body. Writes are buffered; <see cref="Stream.FlushAsync(CancellationToken)"/> sends what is buffered.</summary>
    public Stream OutputStream => Body;

    internal ResponseBodyStream Body { get; }

    /// <summary>Whether the connection closes after this response (<c>Connection: close</c>).</summary>
    internal bool CloseConnection { get; set; }

    /// <summary>Adds a header (repeatable).</summary>
    /// <exception cref="ArgumentException">The name is not a token, or the value holds CR, LF or another control character.</exception>
    public void AddHeader(string name, string value)
    {
        ThrowIfStarted();
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= '\x7f' || ":\"(),/;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{name}' is not a header name.", nameof(name));
        }
        if (value.Any(c => (c < ' ' && c != '\t') || c == '\x7f' || c > '\xff'))
        {
            throw new ArgumentException($"The value of header '{name}' holds a control or non-Latin-1 character.", nameof(value));
        }
        _headers.Add(new(name, value));
    }

    /// <summary>Marks the response finished; the server sends what is buffered when the handler returns.</summary>
    public void Close() => Body.MarkClosed();

    // Framing is decided here, once: chunked when asked for or when the length is unknown and the body did not
    // fit the buffer; a status that has no body (1xx, 204, 304) gets neither header.
    internal byte[] Head(long bufferedLength, bool complete)
    {
        bool noBody = _statusCode is 204 or 304;
        if (!noBody && _contentLength < 0 && (!complete || _sendChunked))
        {
            _sendChunked = true;
        }
        else if (!noBody && _contentLength < 0)
        {
            _contentLength = bufferedLength;
        }
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(_statusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase(_statusCode)).Append("\r\n");
        if (_contentType is not null)
        {
            head.Append("Content-Type: ").Append(_contentType).Append("\r\n");
        }
        if (!noBody)
        {
            head.Append(_sendChunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {_contentLength.ToString(CultureInfo.InvariantCulture)}\r\n");
        }
        foreach (var (name, value) in _headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (CloseConnection)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    internal bool Chunked => _sendChunked;

    internal bool HasNoBody => _statusCode is 204 or 304;

    private void ThrowIfStarted()
    {
        if (Body.HasStarted)
        {
            throw new InvalidOperationException("The response has begun: its status and headers were sent.");
        }
    }

    internal static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        414 => "URI Too Long",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        _ => "Status",
    };
}
