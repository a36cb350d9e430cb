using System.Buffers.Text;
using System.Globalization;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// A request body, framed by Content-Length or chunked transfer coding, read from the connection's buffer and socket.
/// The minimum rate is Kestrel's: once <see cref="HttpLimits.RequestBodyGracePeriod"/> has passed since the first read,
/// the bytes received must average at least <see cref="HttpLimits.MinRequestBodyBytesPerSecond"/>, so a read waits
/// at most until <c>start + max(grace, received / rate)</c>. A body that breaks the rate, its framing or the
/// connection throws <see cref="HttpProtocolException"/> (after which the connection only closes).
/// </summary>
internal sealed class RequestBodyStream : Stream
{
    private const int MaxChunkLineBytes = 4096;

    private readonly ConnectionIO _io;
    private readonly HttpLimits _limits;
    private readonly bool _chunked;
    private readonly Func<ValueTask>? _sendContinue;
    private long _remaining; // in the body (Content-Length) or in the current chunk
    private long _received;
    private long _start;
    private bool _started;
    private bool _done;

    private RequestBodyStream(ConnectionIO io, HttpLimits limits, long declared, bool chunked, Func<ValueTask>? sendContinue)
    {
        _io = io;
        _limits = limits;
        DeclaredLength = declared;
        _chunked = chunked;
        _remaining = chunked ? 0 : declared;
        _done = !chunked && declared == 0;
        _sendContinue = sendContinue;
    }

    /// <summary>The body the head declares. Throws <see cref="HttpProtocolException"/> for framing a server must refuse.</summary>
    public static RequestBodyStream For(HttpRequestHead head, ConnectionIO io, HttpLimits limits, Func<ValueTask> sendContinue)
    {
        var encoding = head.Headers["Transfer-Encoding"];
        var length = head.Headers.GetValues("Content-Length");
        bool expectContinue = string.Equals(head.Headers["Expect"], "100-continue", StringComparison.OrdinalIgnoreCase) && head.Version.Minor == 1;
        if (encoding is not null)
        {
            if (length is not null)
            {
                throw new HttpProtocolException(400, "A request may not carry both Transfer-Encoding and Content-Length.");
            }
            if (!string.Equals(encoding.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(501, $"Transfer-Encoding '{encoding}' is not supported; send 'chunked' or a Content-Length.");
            }
            return new RequestBodyStream(io, limits, -1, chunked: true, expectContinue ? sendContinue : null);
        }
        if (length is null)
        {
            return new RequestBodyStream(io, limits, 0, chunked: false, null);
        }
        var distinct = length.SelectMany(v => v.Split(',')).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length != 1 || distinct[0].Length is 0 or > 18 || !distinct[0].All(char.IsAsciiDigit))
        {
            throw new HttpProtocolException(400, "The Content-Length header is not one non-negative number.");
        }
        long declared = long.Parse(distinct[0], NumberStyles.None, CultureInfo.InvariantCulture);
        return new RequestBodyStream(io, limits, declared, chunked: false, expectContinue && declared > 0 ? sendContinue : null);
    }

    /// <summary>The Content-Length, or -1 for a chunked body.</summary>
    public long DeclaredLength { get; }

    /// <summary>Whether the whole body has been read (so the connection can carry the next request).</summary>
    public bool IsComplete => _done;

    /// <summary>The failure that ended the body, answered by the connection.</summary>
    public HttpProtocolException? Failure { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Failure is not null)
        {
            throw Failure;
        }
        if (_done || buffer.IsEmpty)
        {
            return 0;
        }
        try
        {
            if (!_started)
            {
                _started = true;
                _start = _io.Time.GetTimestamp();
                if (_sendContinue is not null && _io.BufferedCount == 0)
                {
                    await _sendContinue().ConfigureAwait(false);
                }
            }
            if (_chunked && _remaining == 0)
            {
                await NextChunkAsync().ConfigureAwait(false);
                if (_done)
                {
                    return 0;
                }
            }
            await EnsureBufferedAsync(1).ConfigureAwait(false);
            int n = _io.TakeBuffered(buffer.Span[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= n;
            _received += n;
            if (_remaining == 0)
            {
                if (_chunked)
                {
                    await ExpectCrlfAsync().ConfigureAwait(false);
                }
                else
                {
                    _done = true;
                }
            }
            return n;
        }
        catch (TimeoutException)
        {
            throw Fail(408, $"The request body arrived slower than {_limits.MinRequestBodyBytesPerSecond} bytes/s after a grace of {_limits.RequestBodyGracePeriod.TotalSeconds} s; the connection was closed.");
        }
        catch (HttpProtocolException ex)
        {
            throw Fail(ex.StatusCode, ex.Message);
        }
        catch (IOException ex)
        {
            throw Fail(400, "The client's connection closed before the request body ended.", ex);
        }
    }

    private HttpProtocolException Fail(int status, string message, Exception? inner = null)
    {
        Failure = inner is null ? new HttpProtocolException(status, message) : new HttpProtocolException(message, inner);
        return Failure;
    }

    // A chunk line is `hex-size [; extensions] CRLF`; size 0 ends the body, followed by trailer lines and an empty line.
    private async ValueTask NextChunkAsync()
    {
        int lineEnd = await LineAsync().ConfigureAwait(false);
        var line = _io.Buffered[..lineEnd];
        int semicolon = line.IndexOf((byte)';');
        var size = (semicolon < 0 ? line : line[..semicolon]).Trim(" \t"u8);
        if (size.IsEmpty || size.Length > 15 || !Utf8Parser.TryParse(size, out long length, out int consumed, 'x') || consumed != size.Length)
        {
            throw new HttpProtocolException(400, "A chunk size line is not hexadecimal.");
        }
        _io.Consume(lineEnd + 2);
        if (length > 0)
        {
            _remaining = length;
            return;
        }
        for (int trailerBytes = 0; ;)
        {
            int end = await LineAsync().ConfigureAwait(false);
            _io.Consume(end + 2);
            if (end == 0)
            {
                _done = true;
                return;
            }
            trailerBytes += end + 2;
            if (trailerBytes > _limits.MaxRequestHeadersBytes)
            {
                throw new HttpProtocolException(431, "The chunked body's trailers are larger than the header limit.");
            }
        }
    }

    private async ValueTask ExpectCrlfAsync()
    {
        await EnsureBufferedAsync(2).ConfigureAwait(false);
        if (!_io.Buffered.StartsWith("\r\n"u8))
        {
            throw new HttpProtocolException(400, "A chunk's data is not followed by CRLF.");
        }
        _io.Consume(2);
    }

    // The offset of the next CRLF in the buffer, receiving until one arrives.
    private async ValueTask<int> LineAsync()
    {
        while (true)
        {
            int end = _io.Buffered.IndexOf("\r\n"u8);
            if (end >= 0)
            {
                return end;
            }
            if (_io.BufferedCount > MaxChunkLineBytes)
            {
                throw new HttpProtocolException(400, "A chunk line is longer than 4 KiB.");
            }
            await ReceiveAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask EnsureBufferedAsync(int count)
    {
        while (_io.BufferedCount < count)
        {
            await ReceiveAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask ReceiveAsync()
    {
        if (!await _io.ReceiveAsync(Deadline()).ConfigureAwait(false))
        {
            throw new HttpProtocolException(400, "The client closed its connection before the request body ended.");
        }
    }

    private long Deadline()
    {
        double rate = _limits.MinRequestBodyBytesPerSecond;
        if (rate <= 0)
        {
            return long.MaxValue / 2;
        }
        double seconds = Math.Max(_limits.RequestBodyGracePeriod.TotalSeconds, _received / rate);
        return _start + (long)(seconds * _io.Time.TimestampFrequency);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("A request body's length is its Content-Length (ContentLength64).");
    public override long Position { get => _received; set => throw new NotSupportedException("A request body cannot seek."); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A request body cannot seek.");
    public override void SetLength(long value) => throw new NotSupportedException("A request body is read-only.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A request body is read-only.");
}
