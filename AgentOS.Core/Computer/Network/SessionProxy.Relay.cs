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
                if (!Count(head.Length, ref moved))
                {
                    cut = true;
                    return;
                }
                await upstream.SendAsync(head, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
            }
            if (early.Length > 0)
            {
                if (!Count(early.Length, ref moved))
                {
                    cut = true;
                    return;
                }
                await upstream.SendAsync(early, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
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
                if (!Count(n, ref moved))
                {
                    return (moved, true);
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stopping.Token).ConfigureAwait(false);
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

    // Takes n bytes from the session's allowance; false when they would exceed it (they are not forwarded, and the
    // allowance stays spent: the counter is left past the limit, so every later connection is refused).
    private bool Count(int n, ref long moved)
    {
        if (Interlocked.Add(ref _bytes, n) > _scope.Options.MaxBytes)
        {
            return false;
        }
        moved += n;
        return true;
    }
}
