using System.Net;
using System.Net.Sockets;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// What a <c>--host</c> value binds: <c>127.0.0.1</c>, <c>::1</c> or <c>[::1]</c> (one loopback), <c>localhost</c>
/// (both loopbacks, IPv4 and IPv6 where the machine has it), <c>0.0.0.0</c> (every IPv4 interface), <c>::</c>,
/// <c>[::]</c>, <c>+</c> or <c>*</c> (every interface, IPv6 and IPv4), or any other IP address of this machine.
/// Host names other than <c>localhost</c> are refused: a bind must not change with DNS.
/// </summary>
public sealed record HttpBinding(IReadOnlyList<IPAddress> Addresses, string UrlHost, bool IsLoopback)
{
    /// <summary>The forms a host may take, for messages.</summary>
    public const string Forms = "127.0.0.1, ::1, localhost (both loopbacks), 0.0.0.0 (every IPv4 interface), :: / + / * (every interface), or an IP address of this machine";

    /// <summary>Reads a <c>--host</c> value.</summary>
    /// <exception cref="ArgumentException">The value is empty, or a host name other than localhost.</exception>
    public static HttpBinding Parse(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string text = host.Trim();
        switch (text)
        {
            case "":
                throw new ArgumentException($"The host is empty; give one of: {Forms}.", nameof(host));
            case "localhost":
                return new HttpBinding(Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback], "localhost", true);
            case "+" or "*" or "::" or "[::]":
                return Socket.OSSupportsIPv6
                    ? new HttpBinding([IPAddress.IPv6Any], "[::]", false)
                    : new HttpBinding([IPAddress.Any], "0.0.0.0", false);
        }
        string bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        if (!IPAddress.TryParse(bare, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 ? !bare.Contains(':', StringComparison.Ordinal) : bare.Count(c => c == '.') != 3))
        {
            throw new ArgumentException($"'{host}' is not an address this server binds: give one of: {Forms}. Host names other than localhost are not resolved, so that a bind cannot change with DNS.", nameof(host));
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
        {
            throw new ArgumentException($"'{host}' is an IPv6 address, and this machine has no IPv6; use 127.0.0.1 or 0.0.0.0.", nameof(host));
        }
        string urlHost = address.AddressFamily == AddressFamily.InterNetworkV6
            ? "[" + address.ToString().Replace("%", "%25", StringComparison.Ordinal) + "]"
            : address.ToString();
        return new HttpBinding([address], urlHost, IPAddress.IsLoopback(address));
    }
}
