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
}
