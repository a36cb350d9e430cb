using System.Collections.Specialized;
using System.Net;

namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// A request as the HTTP server hands it to its handler: the members the kernel's routes use, named as
/// <c>HttpListenerRequest</c> names them.
/// </summary>
public sealed class HttpServerRequest
{
    internal HttpServerRequest(HttpRequestHead head, Uri url, RequestBodyStream body, IPEndPoint? remote)
    {
        HttpMethod = head.Method;
        ProtocolVersion = head.Version;
        Headers = head.Headers;
        Url = url;
        QueryString = ParseQuery(url.Query);
        Body = body;
        RemoteEndPoint = remote;
    }

    /// <summary>The method: GET, POST, ...</summary>
    public string HttpMethod { get; }

    /// <summary>The full URL: the Host header's authority and the request target.</summary>
    public Uri Url { get; }

    /// <summary>HTTP/1.1 or HTTP/1.0.</summary>
    public Version ProtocolVersion { get; }

    /// <summary>The headers, names compared without case; repeated headers read as one comma-joined value.</summary>
    public NameValueCollection Headers { get; }

    /// <summary>The query string's parameters, percent-decoded.</summary>
    public NameValueCollection QueryString { get; }

    /// <summary>The body (empty when there is none). Reading it enforces the minimum body rate: a body that arrives too
    /// slowly throws <see cref="HttpProtocolException"/> and the connection closes.</summary>
    public Stream InputStream => Body;

    /// <summary>The declared body length: the Content-Length, 0 without a body, -1 for a chunked body.</summary>
    public long ContentLength64 => Body.DeclaredLength;

    /// <summary>The client's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    internal RequestBodyStream Body { get; }

    private static NameValueCollection ParseQuery(string query)
    {
        var result = new NameValueCollection(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            result.Add(Decode(eq < 0 ? pair : pair[..eq]), eq < 0 ? "" : Decode(pair[(eq + 1)..]));
        }
        return result;

        static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
    }
}
