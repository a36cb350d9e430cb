using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>
/// The credentials file (<c>credentials.json</c> in the data folder, or <c>serve --credentials FILE</c>): the
/// credentials an operator adds and revokes while the kernel runs. A <see cref="CredentialTable"/> reloads it when it
/// changes, so deleting an entry revokes its token on the next request.
/// </summary>
/// <remarks>
/// <code language="json">
/// {
///   "credentials": [
///     { "agent": "alice", "token_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
///     { "agent": "orchestrator", "token": "a long random secret" },
///     { "agent": "ops", "token_sha256": "...", "admin": true }
///   ]
/// }
/// </code>
/// Prefer <c>token_sha256</c> (the lowercase hex SHA-256 of the token's UTF-8 bytes, e.g. <c>printf %s TOKEN | sha256sum</c>),
/// so the file does not hold the secret itself. Write the file atomically (write a temporary file, then rename it):
/// a file that does not parse refuses every credential it held until it is fixed.
/// </remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt "admin" must not silently mean false
public sealed class CredentialFile
{
    /// <summary>The credentials.</summary>
    public IReadOnlyList<CredentialFileEntry> Credentials { get; set; } = [];
}
