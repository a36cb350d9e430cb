namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// A request the server cannot take: malformed, too large, or too slow. The connection answers it with
/// <see cref="StatusCode"/> (when no response has begun) and closes. It is an <see cref="IOException"/> because, to the
/// handler reading the body, the connection is gone.
/// </summary>
public sealed class HttpProtocolException : IOException
{
    /// <summary>Creates the exception.</summary>
    public HttpProtocolException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public HttpProtocolException()
        : this(400, "Bad request.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public HttpProtocolException(string message)
        : this(400, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HttpProtocolException(string message, Exception innerException)
        : base(message, innerException) => StatusCode = 400;

    /// <summary>The status the client is answered with: 400, 408, 413, 414, 431, 501 or 505.</summary>
    public int StatusCode { get; }
}
