using System.Net;
using System.Net.Sockets;

namespace AgentOS.Tests.Helpers;

/// <summary>Picks a loopback port that is free right now (the OS chooses; a race with another binder is possible but rare).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A loopback port where nothing listens, held for as long as the result lives: bound but not listening, so a
    /// connection is refused and no other process (several test runs share a machine) can take the port meanwhile.
    /// A port from <see cref="Next"/> is free only until it is released, and an "unreachable server" test using it
    /// fails whenever another process binds it first.
    /// </summary>
    public static RefusingPort Refusing() => new();
}

/// <summary>A bound, never listening loopback socket: see <see cref="FreePort.Refusing"/>.</summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // .NET binds TCP sockets with SO_REUSEADDR on Unix, which lets another SO_REUSEADDR socket (any TcpListener)
        // bind the same port while this one is not listening. Linux checks the flag at the other bind, so clearing
        // it now keeps the port ours.
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
