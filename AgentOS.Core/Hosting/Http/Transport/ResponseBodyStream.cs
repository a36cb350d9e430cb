using System.Buffers;
using System.Globalization;
using System.Text;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// A response body: writes collect in a buffer; a flush (or a full buffer) sends the head and what is buffered, as a
/// chunk when the response is chunked; <see cref="CompleteAsync"/> sends the rest and the last chunk. Writes after the
/// connection failed throw <see cref="IOException"/>, which the kernel's routes read as "the client went away".
/// </summary>
internal sealed class ResponseBodyStream : Stream
{
    private const int BufferBytes = 16 * 1024;

    private readonly ConnectionIO _io;
    private readonly bool _headRequest;
    private readonly Func<bool> _failed;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private HttpServerResponse _response = null!;
    private long _written;

    public ResponseBodyStream(ConnectionIO io, bool headRequest, Func<bool> failed)
    {
        _io = io;
        _headRequest = headRequest;
        _failed = failed;
    }

    public bool HasStarted { get; private set; }

    public bool IsClosed { get; private set; }

    /// <summary>Whether the body sent matches its declared length (else the connection cannot carry another request).</summary>
    public bool IsWhole => _response.Chunked || _response.HasNoBody || _headRequest || _written == _response.ContentLength64;

    internal void Attach(HttpServerResponse response) => _response = response;

    internal void MarkClosed() => IsClosed = true;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        if (_response.HasNoBody && !data.IsEmpty)
        {
            throw new InvalidOperationException($"A {_response.StatusCode} response has no body.");
        }
        if (_response.ContentLength64 >= 0 && _written + data.Length > _response.ContentLength64)
        {
            throw new InvalidOperationException($"The body is longer than its declared Content-Length of {_response.ContentLength64} bytes.");
        }
        _written += data.Length;
        if (_headRequest)
        {
            return;
        }
        _buffer.Write(data.Span);
        if (_buffer.WrittenCount >= BufferBytes)
        {
            await SendAsync(complete: false).ConfigureAwait(false);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await SendAsync(complete: false).ConfigureAwait(false);
    }

    /// <summary>Sends the head (if not yet sent), what is buffered and, for a chunked body, the last chunk.</summary>
    public async ValueTask CompleteAsync()
    {
        ThrowIfFailed();
        await SendAsync(complete: true).ConfigureAwait(false);
    }

    private async ValueTask SendAsync(bool complete)
    {
        var output = new ArrayBufferWriter<byte>(_buffer.WrittenCount + 512);
        if (!HasStarted)
        {
            output.Write(_response.Head(_written, complete));
            HasStarted = true;
        }
        if (_buffer.WrittenCount > 0)
        {
            if (_response.Chunked)
            {
                output.Write(Encoding.ASCII.GetBytes(_buffer.WrittenCount.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                output.Write(_buffer.WrittenSpan);
                output.Write("\r\n"u8);
            }
            else
            {
                output.Write(_buffer.WrittenSpan);
            }
            _buffer.ResetWrittenCount();
        }
        if (complete && _response.Chunked && !_headRequest)
        {
            output.Write("0\r\n\r\n"u8);
        }
        if (output.WrittenCount > 0)
        {
            await _io.SendAsync(output.WrittenMemory).ConfigureAwait(false);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed())
        {
            throw new IOException("The connection failed (the request broke a limit or the client went away); nothing more can be sent.");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException("A response body cannot report its length.");
    public override long Position { get => _written; set => throw new NotSupportedException("A response body cannot seek."); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A response body is write-only.");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A response body cannot seek.");
    public override void SetLength(long value) => throw new NotSupportedException("A response body cannot seek.");
}
