using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AgentOS.Computer.Network;

/// <summary>
/// One session's way out: an HTTP proxy on the host (CONNECT tunnels and absolute-form plain HTTP) that lets the
/// session reach only what its agent's grant allows, reports every connection on the bus and in the audit log, and
/// holds the session to its connection and byte limits. It listens on a Unix socket bound into the sandbox (a relay
/// there turns <c>127.0.0.1:{sandbox_port}</c> into that socket), or, for unisolated sessions, on a loopback port.
/// </summary>
/// <remarks>
/// <para><b>Why the proxy connects to what it checked.</b> It resolves a name once, checks every address, and
/// connects only to those addresses: a DNS answer that changes between the check and the connect (rebinding) cannot
/// move the connection somewhere the check did not see.</para>
/// <para>Thread-safe; disposing it closes the listener and every connection.</para>
/// </remarks>
internal sealed partial class SessionProxy : IDisposable
{
    private readonly Socket _listener;
    private readonly ProxyScope _scope;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private int _active;
    private long _bytes;
    private int _disposed;

    private SessionProxy(Socket listener, ProxyScope scope)
    {
        _listener = listener;
        _scope = scope;
        _ = AcceptAsync();
    }

    /// <summary>Where it listens.</summary>
    public EndPoint EndPoint => _listener.LocalEndPoint!;

    /// <summary>Bytes moved so far, both directions.</summary>
    public long Bytes => Math.Min(Interlocked.Read(ref _bytes), _scope.Options.MaxBytes);

    /// <summary>Connections open now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Listens on a Unix socket at <paramref name="path"/> that only <paramref name="uid"/> may connect to.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static SessionProxy ListenUnix(string path, int uid, ProxyScope scope)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (Interop.Libc.LChown(path, uid, uid) != 0)
            {
                throw new Sandbox.SandboxUnavailableException($"Giving the proxy socket '{path}' to the session's uid {uid} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}): the kernel must run as root for sandboxed sessions.");
            }
            socket.Listen(128);
            return new SessionProxy(socket, scope);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Listens on a free loopback port (for sessions that share the host's network namespace).</summary>
    public static SessionProxy ListenLoopback(ProxyScope scope)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(128);
            return new SessionProxy(socket, scope);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening and closes every connection (the accept loop and relays end on their own).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        string? path = (_listener.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        _stopping.Cancel();
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }
        if (!string.IsNullOrEmpty(path))
        {
            File.Delete(path);
        }
    }

    private async Task AcceptAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException && token.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        _open[client] = 0;
        int active = Interlocked.Increment(ref _active);
        try
        {
            if (active > _scope.Options.MaxConnections)
            {
                var detail = $"max_connections {_scope.Options.MaxConnections}";
                await _scope.RecordAsync(NetworkStage.LimitHit, "", "", 0, null, detail).ConfigureAwait(false);
                await RespondAsync(client, 429, $"The session already holds {_scope.Options.MaxConnections} connections through the proxy (computer.network.max_connections): close one first.").ConfigureAwait(false);
                return;
            }
            if (Bytes >= _scope.Options.MaxBytes)
            {
                await _scope.RecordAsync(NetworkStage.LimitHit, "", "", 0, null, $"max_bytes {_scope.Options.MaxBytes}").ConfigureAwait(false);
                await RespondAsync(client, 429, $"The session has moved its {_scope.Options.MaxBytes} bytes through the proxy (computer.network.max_bytes): no more connections in this session.").ConfigureAwait(false);
                return;
            }
            await HandleAsync(client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the session ended: its connection is closed below, nothing else to undo.
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _open.TryRemove(client, out _);
            client.Dispose();
        }
    }
}
