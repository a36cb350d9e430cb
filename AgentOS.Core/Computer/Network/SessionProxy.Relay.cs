using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace AgentOS.Computer.Network;

internal sealed partial class SessionProxy
{
    private static readonly byte[] Established = "HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray();

    /// <summary>Moves bytes both ways until both sides are done, counting them against the session's allowance.</summary>
    private async Task RelayAsync(Socket client, Socket upstream, ProxyRequest request, ReadOnlyMemory<byte> early)
    {
        long moved = 0;
        bool cut = false;
        try
        {
            if (request.Tunnel)
            {
                await client.SendAsync(Established, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
            }
            else
            {
                var head = Encoding.Latin1.GetBytes(request.Head);
                (moved, cut) = await ForwardAsync(upstream, head, 0).ConfigureAwait(false);
            }
            if (!cut && early.Length > 0)
            {
                long sent;
                (sent, cut) = await ForwardAsync(upstream, early, 0).ConfigureAwait(false);
                moved += sent;
            }
            if (cut)
            {
                return;
            }
            var up = PumpAsync(client, upstream);
            var down = PumpAsync(upstream, client);
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            var (firstMoved, firstCut) = await first.ConfigureAwait(false);
            var other = first == up ? down : up;
            if (firstCut)
            {
                // Over the allowance: abort the upstream side, but end the client's gracefully (a FIN, not a reset,
                // which would make its kernel drop what it has received and not yet read), and give it the request
                // timeout to close its end.
                upstream.Dispose();
                client.Shutdown(SocketShutdown.Send);
                try
                {
                    await other.WaitAsync(_scope.Options.RequestTimeout, _scope.Time).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    client.Dispose();
                }
            }
            var (otherMoved, otherCut) = await other.ConfigureAwait(false);
            moved += firstMoved + otherMoved;
            cut |= firstCut | otherCut;
        }
        finally
        {
            await _scope.RecordAsync(NetworkStage.Closed, request.Method, request.Host, request.Port, null, null, moved).ConfigureAwait(false);
            if (cut)
            {
                await _scope.RecordAsync(NetworkStage.LimitHit, request.Method, request.Host, request.Port, null, $"max_bytes {_scope.Options.MaxBytes}").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until the end of its stream, then half-closes
    /// <paramref name="to"/>. Returns the bytes copied and whether the session's allowance cut it.</summary>
    private async Task<(long Moved, bool Cut)> PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        long moved = 0;
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return (moved, false);
                }
                var (sent, cut) = await ForwardAsync(to, buffer.AsMemory(0, n), moved).ConfigureAwait(false);
                moved = sent;
                if (cut)
                {
                    return (moved, true);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A side reset or closed (or the session ended): this direction is over; the other notices on its own.
            return (moved, false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Sends what the allowance lets through; returns the new running total and whether the allowance cut it.
    private async Task<(long Moved, bool Cut)> ForwardAsync(Socket to, ReadOnlyMemory<byte> data, long moved)
    {
        int allowed = Take(data.Length);
        if (allowed > 0)
        {
            await to.SendAsync(data[..allowed], SocketFlags.None, _stopping.Token).ConfigureAwait(false);
        }
        return (moved + allowed, allowed < data.Length);
    }

    // Takes up to n bytes from the session's allowance and returns how many may be forwarded: all of them, or (when
    // they cross the limit) the part that fits, after which the connection is cut. The counter is left past the
    // limit, so the allowance stays spent and every later connection is refused; concurrent takers each see the
    // other's bytes in the total, so together they never forward more than the limit.
    private int Take(int n)
    {
        long over = Interlocked.Add(ref _bytes, n) - _scope.Options.MaxBytes;
        return over <= 0 ? n : (int)Math.Max(0, n - over);
    }
}
