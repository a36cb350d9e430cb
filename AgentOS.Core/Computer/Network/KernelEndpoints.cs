using System.Collections.Concurrent;
using System.Net;

namespace AgentOS.Computer.Network;

/// <summary>
/// The kernel's own listening sockets (its HTTP API, MCP and OpenAI endpoints), which no session may reach through
/// the proxy whatever its grant says: a grant of <c>127.0.0.1:*</c> for a local test server must not hand a session
/// the kernel's API. Hosts register what they bind.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class KernelEndpoints
{
    private readonly ConcurrentDictionary<IPEndPoint, byte> _endpoints = new();

    /// <summary>Marks <paramref name="endpoint"/> as the kernel's own.</summary>
    public void Add(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoints[new IPEndPoint(Access.NetworkAllowList.Canonical(endpoint.Address), endpoint.Port)] = 0;
    }

    /// <summary>Forgets <paramref name="endpoint"/> (its listener closed).</summary>
    public void Remove(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoints.TryRemove(new IPEndPoint(Access.NetworkAllowList.Canonical(endpoint.Address), endpoint.Port), out _);
    }

    /// <summary>Whether a connection to <paramref name="address"/>:<paramref name="port"/> would reach one of the
    /// kernel's listeners: the same address, or a listener bound to every address (0.0.0.0, ::) when the destination
    /// is loopback or the machine's own.</summary>
    public bool Covers(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Access.NetworkAllowList.Canonical(address);
        foreach (var endpoint in _endpoints.Keys)
        {
            if (endpoint.Port != port)
            {
                continue;
            }
            bool wildcard = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any);
            if (endpoint.Address.Equals(address) || (wildcard && (Access.NetworkAllowList.IsInternal(address) || IsLocal(address))))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsLocal(IPAddress address) =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => Access.NetworkAllowList.Canonical(u.Address).Equals(address));
}
