using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentOS.Computer.Network;

internal sealed partial class SessionProxy
{
    private const int BufferBytes = 16 * 1024;

    private async Task HandleAsync(Socket client)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ProxyRequest.MaxHeadBytes);
        try
        {
            var (read, headLength) = await ReadHeadAsync(client, buffer).ConfigureAwait(false);
            if (headLength < 0)
            {
                string why = read >= ProxyRequest.MaxHeadBytes ? $"the request head is longer than {ProxyRequest.MaxHeadBytes} bytes" : "the request head did not arrive";
                await _scope.RecordAsync(NetworkStage.Refused, "", "", 0, null, why).ConfigureAwait(false);
                await RespondAsync(client, read >= ProxyRequest.MaxHeadBytes ? 431 : 408, why).ConfigureAwait(false);
                return;
            }
            var request = ProxyRequest.Parse(buffer.AsSpan(0, headLength), out var error);
            if (request is null)
            {
                await _scope.RecordAsync(NetworkStage.Refused, "", "", 0, null, error).ConfigureAwait(false);
                await RespondAsync(client, 400, $"The proxy refused the request: {error}.").ConfigureAwait(false);
                return;
            }
            var upstream = await OpenAsync(client, request).ConfigureAwait(false);
            if (upstream is null)
            {
                return;
            }
            using (upstream)
            {
                _open[upstream] = 0;
                try
                {
                    await RelayAsync(client, upstream, request, buffer.AsMemory(headLength, read - headLength)).ConfigureAwait(false);
                }
                finally
                {
                    _open.TryRemove(upstream, out _);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<(int Read, int HeadLength)> ReadHeadAsync(Socket client, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(_scope.Options.RequestTimeout, _scope.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        int read = 0;
        try
        {
            while (read < ProxyRequest.MaxHeadBytes)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(read, ProxyRequest.MaxHeadBytes - read), SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return (read, -1);
                }
                int from = Math.Max(0, read - 3);
                read += n;
                int end = ProxyRequest.HeadLength(buffer.AsSpan(from, read - from));
                if (end >= 0)
                {
                    return (read, from + end);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            return (read, -1);
        }
        return (read, -1);
    }

    /// <summary>Checks the destination and connects to it; on a refusal answers the client and returns null.</summary>
    private async Task<Socket?> OpenAsync(Socket client, ProxyRequest request)
    {
        string host = Access.NetworkAllowList.NormalizeHost(request.Host);
        int port = request.Port;
        if (!_scope.Grant.AllowsHost(host, port))
        {
            return await RefuseAsync(client, request, host, null, 403, $"{host}:{port} is not in the agent's network grant (add \"{host}:{port}\" to a group's network list to allow it)").ConfigureAwait(false);
        }
        IPAddress[] addresses;
        using (var timeout = new CancellationTokenSource(_scope.Options.ConnectTimeout, _scope.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token))
        {
            try
            {
                addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _scope.ResolveAsync(host, linked.Token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                return await RefuseAsync(client, request, host, null, 502, $"{host} does not resolve ({e.SocketErrorCode})").ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                return await RefuseAsync(client, request, host, null, 504, $"resolving {host} took longer than computer.network.connect_timeout").ConfigureAwait(false);
            }
        }
        if (addresses.Length == 0)
        {
            return await RefuseAsync(client, request, host, null, 502, $"{host} resolves to no address").ConfigureAwait(false);
        }
        // Every address must pass, not just the one we would use: a name whose answer mixes a public address with
        // 127.0.0.1 is a name pointed at the host.
        foreach (var address in addresses)
        {
            if (_scope.Kernel.Covers(address, port))
            {
                return await RefuseAsync(client, request, host, address, 403, $"{address}:{port} is one of the kernel's own endpoints, which sessions never reach").ConfigureAwait(false);
            }
            if (!_scope.Grant.AllowsAddress(address, port))
            {
                return await RefuseAsync(client, request, host, address, 403, $"{host} resolves to {address}, an internal address the grant does not name (add \"{Bracket(address)}:{port}\" to allow it)").ConfigureAwait(false);
            }
        }
        return await ConnectAsync(client, request, host, addresses).ConfigureAwait(false);
    }

    private async Task<Socket?> ConnectAsync(Socket client, ProxyRequest request, string host, IPAddress[] addresses)
    {
        SocketException? last = null;
        bool timedOut = false;
        foreach (var address in addresses)
        {
            var upstream = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(_scope.Options.ConnectTimeout, _scope.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            try
            {
                await upstream.ConnectAsync(new IPEndPoint(address, request.Port), linked.Token).ConfigureAwait(false);
                await _scope.RecordAsync(NetworkStage.Allowed, request.Method, host, request.Port, address.ToString(), null).ConfigureAwait(false);
                return upstream;
            }
            catch (SocketException e)
            {
                last = e;
                upstream.Dispose();
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                timedOut = true;
                upstream.Dispose();
            }
            catch
            {
                upstream.Dispose();
                throw;
            }
        }
        // Allowed by the grant but not reachable: the audit still says it was allowed, the client gets a 502.
        string why = timedOut && last is null ? "connecting timed out (computer.network.connect_timeout)" : $"connecting failed ({last?.SocketErrorCode})";
        await _scope.RecordAsync(NetworkStage.Allowed, request.Method, host, request.Port, null, why).ConfigureAwait(false);
        await RespondAsync(client, 502, $"{host}:{request.Port} is allowed but {why}.").ConfigureAwait(false);
        return null;
    }

    private async Task<Socket?> RefuseAsync(Socket client, ProxyRequest request, string host, IPAddress? address, int status, string why)
    {
        await _scope.RecordAsync(NetworkStage.Refused, request.Method, host, request.Port, address?.ToString(), why).ConfigureAwait(false);
        await RespondAsync(client, status, $"The kernel's proxy refused {request.Method} {host}:{request.Port}: {why}.").ConfigureAwait(false);
        return null;
    }

    private static string Bracket(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private async Task RespondAsync(Socket client, int status, string message)
    {
        string reason = status switch
        {
            400 => "Bad Request",
            403 => "Forbidden",
            408 => "Request Timeout",
            429 => "Too Many Requests",
            431 => "Request Header Fields Too Large",
            502 => "Bad Gateway",
            _ => "Gateway Timeout",
        };
        byte[] body = Encoding.UTF8.GetBytes(message + "\n");
        byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\nX-AgentOS-Proxy: refused\r\n\r\n");
        await client.SendAsync(head.Concat(body).ToArray(), SocketFlags.None, _stopping.Token).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Both);
    }
}
