using AgentOS.Access;

namespace AgentOS.Hosting.Http;

/// <summary>
/// Turns a request's <c>Authorization</c> header value into the <see cref="Principal"/> it acts as, or a typed refusal,
/// through the one <see cref="CredentialTable"/>. Knows nothing of the HTTP server that carries the header, so every
/// entry point (the native API, the OpenAI-compatible endpoint, the event stream, and MCP and the dashboard when they
/// land) shares it.
/// </summary>
/// <param name="credentials">The credential table.</param>
/// <param name="open">Run without authentication (<c>serve --insecure-no-auth</c>): a request without credentials
/// acts as <see cref="Principal.Anonymous"/>, an administrator; one that presents a token is still checked.</param>
public sealed class HttpAuthenticator(CredentialTable credentials, bool open = false)
{
    /// <summary>What <see cref="AgentOS.Kernel.KernelStatus.Authentication"/> says of a kernel that runs open.</summary>
    public const string OpenDescription = "none (--insecure-no-auth): anyone who reaches this port acts as an administrator";

    /// <summary>The credential table.</summary>
    public CredentialTable Credentials { get; } = credentials ?? throw new ArgumentNullException(nameof(credentials));

    /// <summary>Whether requests without credentials are let in (as <see cref="Principal.Anonymous"/>).</summary>
    public bool IsOpen { get; } = open;

    /// <summary><c>bearer</c>, or <see cref="OpenDescription"/>.</summary>
    public string Description => IsOpen ? OpenDescription : "bearer";

    /// <summary>The principal for an <c>Authorization</c> header value (<see langword="null"/> when absent), or why not.</summary>
    public Authentication Authenticate(string? authorizationHeader) =>
        IsOpen && string.IsNullOrEmpty(authorizationHeader)
            ? Authentication.Accepted(Principal.Anonymous)
            : Credentials.Authenticate(authorizationHeader);
}
