using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AgentOS.Access;

/// <summary>
/// Where an agent's computer-use sessions may connect through the kernel's proxy: the union of its groups'
/// <see cref="PrivilegeGroup.Network"/> entries, each <c>HOST:PORTS</c>.
/// </summary>
/// <remarks>
/// <para><b>HOST</b> is a DNS name (<c>example.com</c>), a suffix (<c>*.example.com</c>: its subdomains, not itself),
/// <c>*</c> (any name), an IPv4 address, an IPv6 address in brackets (<c>[2001:db8::1]</c>), or a network in CIDR form
/// (<c>10.0.0.0/8</c>, <c>[fd00::/8]</c>). <b>PORTS</b> is a port, a range (<c>8000-8099</c>) or <c>*</c>.</para>
/// <para><b>Two checks.</b> A destination is allowed when its host (as the client named it) matches an entry for its
/// port, and every address that host resolves to is allowed for that port. Public addresses are allowed once the name
/// is; internal ones (loopback, link-local such as the cloud metadata address, private, carrier-grade NAT, multicast,
/// unspecified: <see cref="IsInternal"/>) only when an address or network entry covers them. So a DNS name an agent
/// may reach cannot be pointed at 127.0.0.1, the host's private network or 169.254.169.254; granting those takes an
/// explicit address entry.</para>
/// </remarks>
public sealed class NetworkAllowList
{
    private readonly Entry[] _entries;

    private NetworkAllowList(Entry[] entries, IReadOnlyList<string> text)
    {
        _entries = entries;
        Entries = text;
    }

    /// <summary>No destination at all.</summary>
    public static NetworkAllowList None { get; } = new([], []);

    /// <summary>The entries as written.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>Whether it allows nothing (a session then has no proxy).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Parses entries (see the remarks on the type).</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="owner">Who wrote them, for the error message (a group's name).</param>
    /// <exception cref="AccessPolicyException">An entry is malformed; the message names it and the form to use.</exception>
    public static NetworkAllowList Parse(IEnumerable<string> entries, string owner)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var parsed = new List<Entry>();
        var text = new List<string>();
        foreach (var entry in entries)
        {
            parsed.Add(ParseEntry(entry, owner));
            text.Add(entry);
        }
        return parsed.Count == 0 ? None : new NetworkAllowList([.. parsed], text);
    }

    /// <summary>Whether <paramref name="host"/> (a name or an address literal, as the client named it) may be reached
    /// on <paramref name="port"/>, before resolution.</summary>
    public bool AllowsHost(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        string name = NormalizeHost(host);
        bool literal = IPAddress.TryParse(name, out var address);
        foreach (var entry in _entries)
        {
            if (port < entry.LowPort || port > entry.HighPort)
            {
                continue;
            }
            bool matches = entry.Kind switch
            {
                EntryKind.AnyName => !literal || !IsInternal(address!),
                EntryKind.Name => !literal && string.Equals(entry.Name, name, StringComparison.Ordinal),
                EntryKind.Suffix => !literal && name.EndsWith(entry.Name!, StringComparison.Ordinal) && name.Length > entry.Name!.Length,
                _ => literal && entry.Covers(address!),
            };
            if (matches)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether a connection to <paramref name="address"/> on <paramref name="port"/> is allowed once its host
    /// is (<see cref="AllowsHost"/>): a public address always, an internal one only under an address or network entry.</summary>
    public bool AllowsAddress(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Canonical(address);
        if (!IsInternal(address))
        {
            return true;
        }
        foreach (var entry in _entries)
        {
            if (entry.Kind == EntryKind.Network && port >= entry.LowPort && port <= entry.HighPort && entry.Covers(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The union of several lists.</summary>
    public static NetworkAllowList Union(IEnumerable<NetworkAllowList> lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var all = lists.ToList();
        return all.Sum(l => l._entries.Length) == 0 ? None : new NetworkAllowList([.. all.SelectMany(l => l._entries)], [.. all.SelectMany(l => l.Entries)]);
    }

    /// <summary>
    /// Whether <paramref name="address"/> is not a public unicast address: loopback, unspecified, link-local
    /// (169.254.0.0/16 holds cloud metadata services; fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7),
    /// carrier-grade NAT (100.64/10), benchmarking (198.18/15), IETF protocol assignments (192.0.0/24), multicast,
    /// reserved (240/4, broadcast), or an IPv6 form that embeds IPv4 (mapped, NAT64, 6to4), whose IPv4 a peer may
    /// route to anything.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Canonical(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] & 0xFE) == 18);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }
        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC                                            // unique local fc00::/7
            || (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B) // NAT64 64:ff9b::/96
            || (v6[0] == 0x20 && v6[1] == 0x02)                                  // 6to4 2002::/16
            || v6[..10].IndexOfAnyExcept((byte)0) < 0;                           // ::/80: IPv4-compatible and the rest
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 it is; any other as given.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>A host as compared: lower case, without a trailing dot or IPv6 brackets.</summary>
    public static string NormalizeHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        return h.Length > 1 && h[0] == '[' && h[^1] == ']' ? h[1..^1] : h;
    }

    private static Entry ParseEntry(string entry, string owner)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            throw Bad(owner, entry ?? "", "it is empty");
        }
        int colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1 || (entry.Contains(':', StringComparison.Ordinal) && entry.IndexOf(':', StringComparison.Ordinal) != colon && entry[0] != '['))
        {
            throw Bad(owner, entry, "it needs HOST:PORT (IPv6 in brackets)");
        }
        var (low, high) = ParsePorts(entry[(colon + 1)..], owner, entry);
        string host = entry[..colon].Trim().ToLowerInvariant();
        if (host == "*")
        {
            return new Entry(EntryKind.AnyName, null, null, 0, low, high);
        }
        if (host.StartsWith('[') != host.EndsWith(']'))
        {
            throw Bad(owner, entry, "an IPv6 address needs both brackets");
        }
        string bare = host.StartsWith('[') ? host[1..^1] : host;
        int slash = bare.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? bare : bare[..slash];
        // IPv4 only as four dotted decimals: "1.2.3" and "2130706433" parse as addresses too, and would be misread.
        bool dottedQuad = addressText.Split('.').Length == 4;
        if (IPAddress.TryParse(addressText, out var address) && (address.AddressFamily == AddressFamily.InterNetwork ? dottedQuad && !host.StartsWith('[') : host.StartsWith('[')))
        {
            address = Canonical(address);
            int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            int prefix = bits;
            if (slash >= 0 && (!int.TryParse(bare[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
            {
                throw Bad(owner, entry, $"the network's prefix length must be 0 to {bits}");
            }
            return new Entry(EntryKind.Network, null, address, prefix, low, high);
        }
        if (host.StartsWith('[') || slash >= 0 || addressText.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            throw Bad(owner, entry, "the address is not valid");
        }
        bool suffix = host.StartsWith("*.", StringComparison.Ordinal);
        string name = suffix ? host[1..] : host.TrimEnd('.');
        if (name.Length == 0 || name.Length > 253 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')) || name.Contains("..", StringComparison.Ordinal) || (!suffix && name[0] == '.'))
        {
            throw Bad(owner, entry, "the host is not a DNS name, *.suffix, * or an address");
        }
        return new Entry(suffix ? EntryKind.Suffix : EntryKind.Name, name, null, 0, low, high);
    }

    private static (int Low, int High) ParsePorts(string text, string owner, string entry)
    {
        if (text == "*")
        {
            return (1, 65535);
        }
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        int low = dash < 0 ? Port(text) : Port(text[..dash]);
        int high = dash < 0 ? low : Port(text[(dash + 1)..]);
        if (low < 1 || high < low)
        {
            throw Bad(owner, entry, "the port must be 1 to 65535, a range LOW-HIGH, or *");
        }
        return (low, high);

        static int Port(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535 ? p : -1;
    }

    private static AccessPolicyException Bad(string owner, string entry, string why) =>
        new($"Group '{owner}' network entry \"{StoragePath.Escape(entry)}\" is not valid: {why}. Write HOST:PORT, where HOST is a DNS name, *.suffix, *, an IPv4 address or network (10.0.0.0/8), or an IPv6 one in brackets, and PORT is a port, a range (8000-8099) or *.");

    private enum EntryKind
    {
        AnyName,
        Name,
        Suffix,
        Network,
    }

    private sealed record Entry(EntryKind Kind, string? Name, IPAddress? Address, int PrefixLength, int LowPort, int HighPort)
    {
        public bool Covers(IPAddress candidate)
        {
            candidate = Canonical(candidate);
            if (Address is null || candidate.AddressFamily != Address.AddressFamily)
            {
                return false;
            }
            Span<byte> a = stackalloc byte[16];
            Span<byte> b = stackalloc byte[16];
            Address.TryWriteBytes(a, out int length);
            candidate.TryWriteBytes(b, out _);
            int full = PrefixLength / 8;
            if (!a[..full].SequenceEqual(b[..full]))
            {
                return false;
            }
            int rest = PrefixLength % 8;
            if (rest == 0 || full >= length)
            {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (a[full] & mask) == (b[full] & mask);
        }
    }
}
