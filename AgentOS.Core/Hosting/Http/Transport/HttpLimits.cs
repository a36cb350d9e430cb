namespace AgentOS.Hosting.Http.Transport;

/// <summary>
/// The limits that keep slow or hostile clients from holding the HTTP server's connections. Defaults follow Kestrel's:
/// 30 s to send the request headers, a request body of at least 240 bytes/s after a 5 s grace, the same floor for a
/// client reading a response; and a bounded number of open connections.
/// </summary>
public sealed record HttpLimits
{
    /// <summary>The most connections open at once (default 1,000); the next one is answered 503 and closed.</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>How long a client may take to send a request line and its headers (default 30 s), counted from the connection's
    /// accept or, on a kept-alive connection, from the request's first byte. The connection closes when it passes.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a kept-alive connection may sit idle between requests (default 130 s, Kestrel's).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>The slowest average rate a request body may arrive at once its grace period has passed (default 240 bytes/s); 0 turns the check off.</summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>How long a request body may arrive slower than <see cref="MinRequestBodyBytesPerSecond"/> (default 5 s).</summary>
    public TimeSpan RequestBodyGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The slowest rate a client must take a response at (default 240 bytes/s): each write to it must finish within
    /// <see cref="ResponseGracePeriod"/> plus its size at this rate, or the connection closes. 0 turns the check off.</summary>
    public double MinResponseBytesPerSecond { get; init; } = 240;

    /// <summary>The grace every response write gets on top of its size at <see cref="MinResponseBytesPerSecond"/> (default 5 s).</summary>
    public TimeSpan ResponseGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest request line (method, target, version) accepted (default 8 KiB); a longer one gets 414.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>The most header bytes a request may carry (default 32 KiB); more gets 431.</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>How long a stop waits for requests in flight to be answered before it closes their connections (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of every timeout above.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws when a limit is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero, negative or too small to be useful.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero, nameof(RequestHeadersTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero, nameof(KeepAliveTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MinRequestBodyBytesPerSecond, nameof(MinRequestBodyBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestBodyGracePeriod, TimeSpan.Zero, nameof(RequestBodyGracePeriod));
        ArgumentOutOfRangeException.ThrowIfNegative(MinResponseBytesPerSecond, nameof(MinResponseBytesPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResponseGracePeriod, TimeSpan.Zero, nameof(ResponseGracePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestLineBytes, 64, nameof(MaxRequestLineBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestHeadersBytes, 256, nameof(MaxRequestHeadersBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
