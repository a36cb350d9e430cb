using System.Globalization;
using System.Text;

namespace AgentOS.Computer.Network;

/// <summary>
/// A client's request to the proxy, read from its head: <c>CONNECT host:port</c> (a tunnel), or a plain HTTP request
/// in absolute form (<c>GET http://host:port/path</c>). The destination comes from the request target alone, never
/// from a <c>Host</c> header, and an origin-form request (<c>GET /path</c> with a Host header) is refused: the proxy
/// names one destination per request and checks exactly that one.
/// </summary>
internal sealed record ProxyRequest(string Method, string Host, int Port, bool Tunnel, string Head)
{
    private static readonly System.Buffers.SearchValues<char> NotInAuthority = System.Buffers.SearchValues.Create("/@\\?#%");

    /// <summary>The most a request's head may hold.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>Where the head ends (just past its blank line) in <paramref name="buffer"/>, or -1.</summary>
    public static int HeadLength(ReadOnlySpan<byte> buffer)
    {
        int end = buffer.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    /// <summary>Parses a head (everything up to and including its blank line).</summary>
    /// <returns>The request, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static ProxyRequest? Parse(ReadOnlySpan<byte> head, out string error)
    {
        // Latin-1 keeps every byte as one char, so nothing in a hostile head is lost or merged by decoding.
        string text = Encoding.Latin1.GetString(head);
        int lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        string[] parts = text[..lineEnd].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0 || !parts[0].All(char.IsAsciiLetterUpper))
        {
            error = "the request line is not METHOD TARGET HTTP/1.x";
            return null;
        }
        // A bare CR or LF, a NUL, or a folded header line would let a server upstream read headers the proxy did not
        // (a second Host, a smuggled request): refuse them rather than guess how that server splits lines.
        string headers = text[(lineEnd + 2)..^2];
        if (headers.Replace("\r\n", "", StringComparison.Ordinal).AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || headers.StartsWith(' ') || headers.StartsWith('\t')
            || headers.Contains("\r\n ", StringComparison.Ordinal) || headers.Contains("\r\n\t", StringComparison.Ordinal))
        {
            error = "the head holds a bare CR or LF, a NUL or a folded header line";
            return null;
        }
        string method = parts[0];
        string target = parts[1];
        if (method == "CONNECT")
        {
            if (!SplitAuthority(target, out var host, out int port))
            {
                error = $"CONNECT needs host:port, not '{target}'";
                return null;
            }
            error = "";
            return new ProxyRequest(method, host, port, true, "");
        }
        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.Host.Length == 0 || target.Contains('\\', StringComparison.Ordinal))
        {
            error = target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? "an https:// URL goes through CONNECT (set HTTPS_PROXY), not as a plain request"
                : $"a plain request needs an absolute http:// URL (the proxy does not act on Host headers), not '{target}'";
            return null;
        }
        error = "";
        var rewritten = Rewrite(text, lineEnd, method, uri, parts[2]);
        return new ProxyRequest(method, uri.IdnHost.Trim('[', ']'), uri.Port, false, rewritten);
    }

    /// <summary><c>host:port</c> (IPv6 in brackets) as its parts.</summary>
    public static bool SplitAuthority(string authority, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.AsSpan().IndexOfAny(NotInAuthority) >= 0)
        {
            return false;
        }
        string h = authority[..colon];
        if (h.StartsWith('[') != h.EndsWith(']') || (!h.StartsWith('[') && h.Contains(':', StringComparison.Ordinal)))
        {
            return false;
        }
        if (!int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }
        host = h.Trim('[', ']');
        return host.Length > 0;
    }

    // The head sent upstream: the request line in origin form, the Host header set to the checked destination (a
    // client's own Host header is dropped, so what the server sees matches what was allowed), hop-by-hop and proxy
    // headers dropped, and Connection: close, so each request on a client connection is checked on its own.
    private static string Rewrite(string head, int lineEnd, string method, Uri uri, string version)
    {
        var builder = new StringBuilder(head.Length + 32);
        builder.Append(method).Append(' ').Append(uri.PathAndQuery).Append(' ').Append(version).Append("\r\n");
        builder.Append("Host: ").Append(uri.Authority).Append("\r\n");
        foreach (var line in head[(lineEnd + 2)..].Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.Length == 0 || colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            builder.Append(line).Append("\r\n");
        }
        builder.Append("Connection: close\r\n\r\n");
        return builder.ToString();
    }
}
