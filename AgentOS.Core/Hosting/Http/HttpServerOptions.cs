using AgentOS.Access;

namespace AgentOS.Hosting.Http;

/// <summary>Where and how the kernel's HTTP API listens, and whom it lets in.</summary>
/// <remarks>
/// Every endpoint authenticates its caller through one <see cref="CredentialTable"/>: <see cref="Credentials"/> (which
/// may be backed by a credentials file, reloaded when it changes) plus <see cref="BearerToken"/> and
/// <see cref="ApiKeys"/>, which are added to it. A server with no credential at all refuses to start unless
/// <see cref="InsecureNoAuth"/> says to run open.
/// </remarks>
public sealed record HttpServerOptions
{
    /// <summary>The address to bind (see <see cref="Transport.HttpBinding"/> for the forms). Default 127.0.0.1; an address
    /// beyond loopback may not run with <see cref="InsecureNoAuth"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 (the default) lets the system pick a free one (<see cref="KernelHttpServer.Url"/> shows it).</summary>
    public int Port { get; init; }

    /// <summary>The credential table every request is checked against (shared, so its owner may add and revoke
    /// credentials while the server runs); <see langword="null"/> for a new table holding only
    /// <see cref="BearerToken"/> and <see cref="ApiKeys"/>.</summary>
    public CredentialTable? Credentials { get; init; }

    /// <summary>An administrator's token (<c>serve --token</c>): it may act for every agent, approve and monitor.</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// Agents' tokens (<c>serve --api-key KEY=AGENT</c>): a request bearing the key acts as that agent on every endpoint
    /// (its privilege groups, budgets and audit apply), including the OpenAI-compatible one.
    /// </summary>
    public IReadOnlyDictionary<string, string> ApiKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Runs without authentication: requests without credentials act as an administrator. Only on a loopback
    /// host; <c>serve</c> reports it loudly at start and <c>/v1/status</c> says so.</summary>
    public bool InsecureNoAuth { get; init; }

    /// <summary>The largest request body accepted (default 1 MiB); larger ones get 413 and change nothing.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>The authenticator these options describe: <see cref="Credentials"/> (or a new table) with
    /// <see cref="BearerToken"/> and <see cref="ApiKeys"/> added.</summary>
    /// <exception cref="ArgumentException">No credential at all and not <see cref="InsecureNoAuth"/>, or an API key names an invalid agent id.</exception>
    internal HttpAuthenticator CreateAuthenticator()
    {
        var table = Credentials ?? new CredentialTable();
        if (!string.IsNullOrEmpty(BearerToken))
        {
            table.Add(BearerToken, new Principal(Principal.AdminName, IsAdmin: true));
        }
        foreach (var (key, agent) in ApiKeys)
        {
            if (!AgentIdentity.IsValidId(agent))
            {
                throw new ArgumentException($"API key for '{agent}': not a valid agent id (ASCII letters, digits, '_', '-', '.').", nameof(ApiKeys));
            }
            table.Add(key, new Principal(agent));
        }
        if (table.Count == 0 && !InsecureNoAuth && table.FilePath is null)
        {
            throw new ArgumentException("The HTTP API has no credentials, so it would refuse every request: give a BearerToken, ApiKeys or Credentials (serve --token, --api-key, --credentials), or set InsecureNoAuth to run open deliberately.", nameof(Credentials));
        }
        return new HttpAuthenticator(table, InsecureNoAuth);
    }

    /// <summary>The limits on connections, header and body times, and sizes that keep slow clients from holding the server.</summary>
    public Transport.HttpLimits Limits { get; init; } = new();
}
