using System.Collections.Specialized;
using System.Text;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>A parsed request line and header block (RFC 9112), before the body.</summary>
internal sealed record HttpRequestHead(string Method, string Target, Version Version, NameValueCollection Headers)
{
    /// <summary>
    /// Parses a head that ends at its blank line: <paramref name="head"/> holds the request line and header lines, each
    /// ending in CRLF, without the final empty line. Throws <see cref="HttpProtocolException"/> (400, 505) on anything
    /// malformed: a proxy-smuggling trick must not reach a handler half-understood.
    /// </summary>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        var (method, target, version) = ParseRequestLine(requestLine);
        var headers = new NameValueCollection(StringComparer.OrdinalIgnoreCase);
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t')
            {
                throw Bad("A header line is empty or folded (obs-fold is not accepted).");
            }
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                throw Bad("A header line is not 'Name: value' (no whitespace before the colon).");
            }
            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (byte b in value)
            {
                if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
                {
                    throw Bad("A header value holds a control character.");
                }
            }
            headers.Add(Encoding.ASCII.GetString(line[..colon]), Encoding.Latin1.GetString(value));
        }
        if (version == HttpVersion11 && string.IsNullOrEmpty(headers["Host"]))
        {
            throw Bad("An HTTP/1.1 request needs a Host header.");
        }
        if (headers.GetValues("Host") is { Length: > 1 })
        {
            throw Bad("A request may carry only one Host header.");
        }
        return new HttpRequestHead(method, target, version, headers);
    }

    private static readonly Version HttpVersion11 = new(1, 1);
    private static readonly Version HttpVersion10 = new(1, 0);

    private static (string Method, string Target, Version Version) ParseRequestLine(ReadOnlySpan<byte> line)
    {
        int first = line.IndexOf((byte)' ');
        int last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last <= first + 1)
        {
            throw Bad("The request line is not 'METHOD target HTTP/1.1'.");
        }
        var method = line[..first];
        var target = line[(first + 1)..last];
        var version = line[(last + 1)..];
        if (!IsToken(method))
        {
            throw Bad("The request method is not a token.");
        }
        if (target.IndexOfAny((byte)' ', (byte)'\t') >= 0 || target[0] != (byte)'/' && !target.StartsWith("http://"u8) && !target.StartsWith("https://"u8) && !(target.Length == 1 && target[0] == (byte)'*'))
        {
            throw Bad("The request target must be a path starting with '/'.");
        }
        foreach (byte b in target)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                throw Bad("The request target holds a byte that must be percent-encoded.");
            }
        }
        Version parsed = version.SequenceEqual("HTTP/1.1"u8) ? HttpVersion11
            : version.SequenceEqual("HTTP/1.0"u8) ? HttpVersion10
            : version.StartsWith("HTTP/"u8) ? throw new HttpProtocolException(505, "Only HTTP/1.1 and HTTP/1.0 are served here.")
            : throw Bad("The request line does not end in an HTTP version.");
        return (Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target), parsed);
    }

    // RFC 9110 token characters: visible ASCII except delimiters.
    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b <= 0x20 || b >= 0x7F || "\"(),/:;<=>?@[\\]{}"u8.Contains(b))
            {
                return false;
            }
        }
        return !text.IsEmpty;
    }

    private static HttpProtocolException Bad(string message) => new(400, message);
}
