using System.Buffers;
using System.Net.Sockets;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// One connection's socket with a receive buffer and deadlines: every receive and send is cancelled by a timer of the
/// limits' <see cref="TimeProvider"/> when its deadline passes, so a client that stops sending or stops reading cannot
/// hold the connection. A passed deadline surfaces as <see cref="TimeoutException"/>; a peer gone as <see cref="IOException"/>.
/// </summary>
internal sealed class ConnectionIO : IDisposable
{
    private readonly Socket _socket;
    private readonly HttpLimits _limits;
    private readonly CancellationTokenSource _receiveTimer;
    private readonly CancellationTokenSource _sendTimer;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _disposed;

    private readonly TransportCounters _counters;

    public ConnectionIO(Socket socket, HttpLimits limits, TransportCounters counters)
    {
        _socket = socket;
        _counters = counters;
        _limits = limits;
        _receiveTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, limits.TimeProvider);
        _sendTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, limits.TimeProvider);
        _buffer = ArrayPool<byte>.Shared.Rent(limits.MaxRequestLineBytes + limits.MaxRequestHeadersBytes + 4);
    }

    public TimeProvider Time => _limits.TimeProvider;

    /// <summary>The bytes received and not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public int BufferedCount => _end - _start;

    /// <summary>The most bytes the buffer can hold unconsumed.</summary>
    public int Capacity => _buffer.Length;

    public void Consume(int count) => _start += count;

    /// <summary>Copies up to <paramref name="destination"/>'s length of buffered bytes out and consumes them.</summary>
    public int TakeBuffered(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    /// <summary>
    /// Receives more bytes after those buffered; returns false when the peer closed its side. Throws
    /// <see cref="TimeoutException"/> when nothing arrived before <paramref name="deadline"/> (a timestamp of the clock).
    /// </summary>
    public async ValueTask<bool> ReceiveAsync(long deadline)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException("The receive buffer is full; the caller must consume first.");
        }
        var remaining = Time.GetElapsedTime(Time.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException();
        }
        var token = Arm(_receiveTimer, remaining);
        Interlocked.Increment(ref _counters.WaitingReceives);
        try
        {
            int n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, token).ConfigureAwait(false);
            _end += n;
            return n > 0;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new IOException("The client's connection closed.", ex);
        }
        finally
        {
            Interlocked.Decrement(ref _counters.WaitingReceives);
            _receiveTimer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The deadline timestamp <paramref name="delay"/> from now.</summary>
    public long DeadlineIn(TimeSpan delay) =>
        Time.GetTimestamp() + (long)Math.Min(delay.TotalSeconds * Time.TimestampFrequency, long.MaxValue / 4);

    /// <summary>Sends all of <paramref name="data"/>, within the grace period plus its size at the minimum response rate.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        var allowed = _limits.MinResponseBytesPerSecond > 0
            ? _limits.ResponseGracePeriod + TimeSpan.FromSeconds(data.Length / _limits.MinResponseBytesPerSecond)
            : Timeout.InfiniteTimeSpan;
        var token = Arm(_sendTimer, allowed);
        try
        {
            while (!data.IsEmpty)
            {
                int n = await _socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
                data = data[n..];
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Abort();
            throw new IOException("The client did not take the response at the minimum rate; the connection was closed.");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new IOException("The client's connection closed.", ex);
        }
        finally
        {
            _sendTimer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Closes the connection at once; pending receives and sends fail.</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the sending side (so the client reads the end of the response), then the socket.</summary>
    public void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _socket.Close();
    }

    private static CancellationToken Arm(CancellationTokenSource timer, TimeSpan delay)
    {
        timer.CancelAfter(delay);
        return timer.Token;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Abort();
        _receiveTimer.Dispose();
        _sendTimer.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
