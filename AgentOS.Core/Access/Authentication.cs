namespace AgentOS.Access;

/// <summary>The outcome of checking one request's credential: its principal, or why it was refused.</summary>
public readonly record struct Authentication(Principal? Principal, AuthenticationFailure Failure)
{
    /// <summary>Whether the credential was accepted (<see cref="Principal"/> is then set).</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>What to tell a refused client, saying how to authenticate.</summary>
    public string Describe() => Failure switch
    {
        AuthenticationFailure.None => $"Authenticated as '{Principal?.Name}'.",
        AuthenticationFailure.Missing => "No credential given: send 'Authorization: Bearer <token>' (serve prints where its admin token is; --api-key KEY=AGENT and the credentials file add more).",
        AuthenticationFailure.Malformed => "The Authorization header is not 'Bearer <token>': send the token with the Bearer scheme.",
        _ => "The token is unknown or was revoked: ask the kernel's operator for a valid one.",
    };

    internal static Authentication Accepted(Principal principal) => new(principal, AuthenticationFailure.None);

    internal static Authentication Refused(AuthenticationFailure failure) => new(null, failure);
}
