using System.Text.Json.Serialization;

namespace AgentOS.Access;

/// <summary>One credential of a <see cref="CredentialFile"/>: a token (or its hash) and the identity it acts as.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CredentialFileEntry
{
    /// <summary>The identity the token acts as: an agent id (its groups' grants apply), or an administrator's name.</summary>
    public string? Agent { get; set; }

    /// <summary>The token itself (give this or <see cref="TokenSha256"/>).</summary>
    public string? Token { get; set; }

    /// <summary>The lowercase hex SHA-256 of the token's UTF-8 bytes.</summary>
    public string? TokenSha256 { get; set; }

    /// <summary>The token holds every grant (acting for any agent, approving, monitoring).</summary>
    public bool Admin { get; set; }
}
