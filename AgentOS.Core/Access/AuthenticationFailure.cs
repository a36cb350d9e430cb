namespace AgentOS.Access;

/// <summary>Why a request's credential was refused.</summary>
public enum AuthenticationFailure
{
    /// <summary>Authenticated.</summary>
    None,

    /// <summary>No <c>Authorization</c> header.</summary>
    Missing,

    /// <summary>An <c>Authorization</c> header that is not <c>Bearer &lt;token&gt;</c>.</summary>
    Malformed,

    /// <summary>A token no credential in the table holds (never issued, or revoked).</summary>
    Unknown,
}
