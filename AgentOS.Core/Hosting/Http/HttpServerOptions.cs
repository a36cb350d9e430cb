namespace AgentOS.Hosting.Http;

/// <summary>Where and how the kernel's HTTP API listens.</summary>
public sealed record HttpServerOptions
{
    /// <summary>The address to bind (see <see cref="Transport.HttpBinding"/> for the forms). Default 127.0.0.1; an address
    /// beyond loopback requires <see cref="BearerToken"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 (the default) lets the system pick a free one (<see cref="KernelHttpServer.Url"/> shows it).</summary>
    public int Port { get; init; }

    /// <summary>When set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// API keys of the OpenAI-compatible endpoint (<c>/v1/chat/completions</c>, <c>/v1/models</c>), each naming the agent
    /// its calls run as — so that agent's privilege groups and budgets apply. Unknown keys get 401. These keys, not
    /// <see cref="BearerToken"/>, guard that endpoint.
    /// </summary>
    public IReadOnlyDictionary<string, string> ApiKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>The largest request body accepted (default 1 MiB); larger ones get 413 and change nothing.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>The limits on connections, header and body times, and sizes that keep slow clients from holding the server.</summary>
    public Transport.HttpLimits Limits { get; init; } = new();
}
