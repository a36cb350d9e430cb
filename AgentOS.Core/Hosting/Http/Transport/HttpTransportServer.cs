using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// A small HTTP/1.1 server on <see cref="System.Net.Sockets"/>: one accept loop per bound address, each connection
/// served on its own task, at most <see cref="HttpLimits.MaxConnections"/> open at once, every wait bounded by
/// <see cref="HttpLimits"/>. It exists because HttpListener on Linux enforces none of the header, body-rate or
/// send-rate timeouts (they throw PlatformNotSupportedException), so a handful of stalled clients could hold it.
/// </summary>
/// <remarks>
/// A stop (<see cref="StopAsync"/>) first closes the listening sockets and every idle kept-alive connection, so no new
/// request starts; requests in flight are answered by their handlers (their responses say <c>Connection: close</c>),
/// and only connections still busy after <see cref="HttpLimits.ShutdownTimeout"/> are cut — a cut connection gets no
/// status at all, never one that claims what did not happen.
/// </remarks>
public sealed class HttpTransportServer : IAsyncDisposable
{
    private readonly Socket[] _listeners;
    private readonly HttpLimits _limits;
    private readonly ConcurrentDictionary<HttpConnection, Task> _connections = new();
    private readonly Task[] _acceptLoops;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private HttpTransportServer(Socket[] listeners, HttpLimits limits, Func<HttpServerRequest, HttpServerResponse, Task> handler)
    {
        _listeners = listeners;
        _limits = limits;
        Handler = handler;
        Port = ((IPEndPoint)listeners[0].LocalEndPoint!).Port;
        EndPoints = [.. listeners.Select(l => (IPEndPoint)l.LocalEndPoint!)];
        _acceptLoops = [.. listeners.Select(l => Task.Run(() => AcceptLoopAsync(l)))];
    }

    /// <summary>The bound port (the same on every address).</summary>
    public int Port { get; }

    /// <summary>The bound addresses and port.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>Whether a stop has begun: no new connection or request is taken.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>The connections open now.</summary>
    public int OpenConnections => Volatile.Read(ref Counters.Open);

    internal TransportCounters Counters { get; } = new();

    internal Func<HttpServerRequest, HttpServerResponse, Task> Handler { get; }

    /// <summary>
    /// Binds every address in <paramref name="addresses"/> on one port (0: a free port the system picks, the same for
    /// every address) and starts serving each request with <paramref name="handler"/>.
    /// </summary>
    /// <exception cref="SocketException">An address could not be bound (in use, not on this machine, no permission).</exception>
    public static HttpTransportServer Start(IReadOnlyList<IPAddress> addresses, int port, HttpLimits limits, Func<HttpServerRequest, HttpServerResponse, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfZero(addresses.Count, nameof(addresses));
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        limits.Validate();
        for (int attempt = 0; ; attempt++)
        {
            var bound = new List<Socket>();
            try
            {
                int chosen = port;
                foreach (var address in addresses)
                {
                    var socket = Listen(address, chosen);
                    bound.Add(socket);
                    chosen = ((IPEndPoint)socket.LocalEndPoint!).Port;
                }
                return new HttpTransportServer([.. bound], limits, handler);
            }
            catch (SocketException ex) when (port == 0 && bound.Count > 0 && ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                // The port the first address got is taken on another one: pick again.
                bound.ForEach(s => s.Dispose());
            }
            catch
            {
                bound.ForEach(s => s.Dispose());
                throw;
            }
        }
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // '::' takes IPv4 clients too, as Kestrel's does
            }
            socket.NoDelay = true;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!IsStopping)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (IsStopping)
                {
                    return;
                }
                continue; // a connection reset before it was accepted
            }
            long acceptedAt = _limits.TimeProvider.GetTimestamp();
            if (IsStopping || Interlocked.Increment(ref Counters.Open) > _limits.MaxConnections)
            {
                if (!IsStopping)
                {
                    Interlocked.Decrement(ref Counters.Open);
                }
                RefuseBusy(client);
                continue;
            }
            client.NoDelay = true;
            var connection = new HttpConnection(client, this, _limits);
            var run = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = run.Task;
            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(acceptedAt).ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(connection, out _);
                    Interlocked.Decrement(ref Counters.Open);
                    run.TrySetResult();
                }
            });
            if (IsStopping)
            {
                connection.CloseIfIdle(); // accepted while the stop closed the others
            }
        }
    }

    // Over the connection limit (or stopping): a short 503 the client can read, then the close.
    private void RefuseBusy(Socket client)
    {
        try
        {
            client.Blocking = false;
            var message = IsStopping
                ? "The server is stopping; retry against its next start."
                : $"The server has {_limits.MaxConnections} connections open, its limit; retry shortly.";
            client.Send(HttpConnection.RefusalBytes(503, IsStopping ? "kernel_stopping" : "server_busy", message), SocketFlags.None, out _);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        client.Dispose();
    }

    internal void BeginRequest() => Interlocked.Increment(ref Counters.InFlight);

    internal void EndRequest()
    {
        if (Interlocked.Decrement(ref Counters.InFlight) == 0 && IsStopping)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Stops taking connections and requests, and closes idle connections; requests in flight go on.</summary>
    public void StopAccepting()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        foreach (var connection in _connections.Keys)
        {
            connection.CloseIfIdle();
        }
        if (Volatile.Read(ref Counters.InFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>
    /// Stops: as <see cref="StopAccepting"/>, then waits up to <see cref="HttpLimits.ShutdownTimeout"/> for the requests
    /// in flight to be answered, then closes every connection left.
    /// </summary>
    public async Task StopAsync()
    {
        StopAccepting();
        using (var timeout = new CancellationTokenSource(_limits.ShutdownTimeout, _limits.TimeProvider))
        {
            try
            {
                await _drained.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Requests still in flight are cut: their clients see a closed connection, not an answer.
            }
        }
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    /// <summary>Stops (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
