using System.Net;
using System.Net.Sockets;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Helpers;

/// <summary>The "nothing listens here" port the unreachable-server tests use stays unreachable while they run.</summary>
public sealed class FreePortTests
{
    [Test]
    public async Task ARefusingPortRefusesConnectionsAndCannotBeTakenByAnotherBinder()
    {
        using var port = FreePort.Refusing();
        using (var client = new TcpClient())
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        // Another server (another test run on the machine) cannot start listening there meanwhile.
        using var other = new TcpListener(IPAddress.Loopback, port.Port);
        var taken = Assert.Throws<SocketException>(other.Start);
        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
    }
}
