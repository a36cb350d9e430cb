using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentOS.Serialization;

namespace AgentOS.Access;

/// <summary>
/// The one table of credentials every entry point checks (native API, OpenAI-compatible endpoint, event stream,
/// status; MCP and the dashboard when they land): each bearer token maps to the <see cref="Principal"/> its requests act
/// as. Tokens are kept only as SHA-256 hashes and compared in constant time. Credentials come from code
/// (<see cref="Add"/>, <see cref="Revoke"/>) and from an optional <see cref="CredentialFile"/>, reloaded when it
/// changes, so a token is revoked without a restart. Thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Constant time.</b> The presented token is hashed, and the hash is compared with every stored hash by
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, without stopping at a match: the time taken says nothing
/// about which credential (if any) matched, nor how much of a guess was right.</para>
/// <para><b>Reloading.</b> Each authentication looks at the file's size and modification time (one stat) and reloads
/// it when either changed, or when it appeared or vanished. A file that fails to parse fails closed: none of its
/// credentials is accepted until it parses again (<see cref="FileError"/> says why); credentials added in code stay.</para>
/// </remarks>
public sealed class CredentialTable
{
    private readonly Lock _gate = new();
    private readonly List<Credential> _added = [];
    private Credential[] _fromFile = [];
    private Credential[] _all = [];
    private FileStamp? _stamp;
    private string? _fileError;

    /// <summary>Creates a table, optionally backed by a credentials file (which need not exist yet).</summary>
    /// <param name="filePath">The <see cref="CredentialFile"/> to load and watch, or <see langword="null"/>.</param>
    /// <exception cref="CredentialFileException">The file exists and is invalid.</exception>
    public CredentialTable(string? filePath = null)
    {
        FilePath = filePath is null ? null : Path.GetFullPath(filePath);
        Refresh();
        if (_fileError is { } error)
        {
            throw new CredentialFileException(error);
        }
    }

    /// <summary>The credentials file, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Why the credentials file's last reload failed (its credentials are then all refused), or <see langword="null"/>.</summary>
    public string? FileError => Volatile.Read(ref _fileError);

    /// <summary>How many credentials the table holds now (from code and the file).</summary>
    public int Count
    {
        get
        {
            Refresh();
            return Volatile.Read(ref _all).Length;
        }
    }

    /// <summary>Whether some credential is an administrator's.</summary>
    public bool HasAdmin
    {
        get
        {
            Refresh();
            return Array.Exists(Volatile.Read(ref _all), c => c.Principal.IsAdmin);
        }
    }

    /// <summary>The principals the table's credentials act as now (one per credential, in no particular order).</summary>
    public IReadOnlyList<Principal> Principals
    {
        get
        {
            Refresh();
            return [.. Volatile.Read(ref _all).Select(c => c.Principal)];
        }
    }

    /// <summary>Adds a credential: requests bearing <paramref name="token"/> act as <paramref name="principal"/>.</summary>
    /// <exception cref="ArgumentException">The token is not <see cref="IsUsableToken">usable</see>, or the table already holds it.</exception>
    public void Add(string token, Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var hash = HashOf(token);
        lock (_gate)
        {
            if (Find(_all, hash) is not null)
            {
                throw new ArgumentException("The table already holds this token: give each credential its own token.", nameof(token));
            }
            _added.Add(new Credential(hash, principal));
            Publish();
        }
    }

    /// <summary>Revokes a credential added in code: its next request is refused. Returns <see langword="false"/> if no
    /// such credential was added (a file's credentials are revoked by editing the file).</summary>
    public bool Revoke(string token)
    {
        var hash = HashOf(token);
        lock (_gate)
        {
            int removed = _added.RemoveAll(c => CryptographicOperations.FixedTimeEquals(c.Hash, hash));
            Publish();
            return removed > 0;
        }
    }

    /// <summary>
    /// Checks an <c>Authorization</c> header value (<c>Bearer &lt;token&gt;</c>; the scheme ignores case) and returns
    /// the principal its token acts as, or why it is refused.
    /// </summary>
    public Authentication Authenticate(string? authorizationHeader)
    {
        if (string.IsNullOrEmpty(authorizationHeader))
        {
            return Authentication.Refused(AuthenticationFailure.Missing);
        }
        const string Scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorizationHeader.AsSpan(Scheme.Length).Trim().IsEmpty)
        {
            return Authentication.Refused(AuthenticationFailure.Malformed);
        }
        Refresh();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader.AsSpan(Scheme.Length).Trim().ToString()));
        return Find(Volatile.Read(ref _all), hash) is { } principal
            ? Authentication.Accepted(principal)
            : Authentication.Refused(AuthenticationFailure.Unknown);
    }

    /// <summary>A new random token (256 bits, as 64 lowercase hex digits).</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex SHA-256 of a token's UTF-8 bytes: what a <see cref="CredentialFileEntry.TokenSha256"/> holds.</summary>
    public static string HashToHex(string token) => Convert.ToHexStringLower(HashOf(token));

    /// <summary>Whether <paramref name="token"/> can be a credential: one or more visible ASCII characters, so it
    /// travels unchanged in <c>Authorization: Bearer &lt;token&gt;</c> (no white space, which a header trims or splits).</summary>
    public static bool IsUsableToken(string? token) => token is { Length: > 0 } && token.All(c => c is > ' ' and < '\x7f');

    // The one rule for every configured token (added in code, from serve's options, or from the credentials file).
    private static byte[] HashOf(string token)
    {
        if (!IsUsableToken(token))
        {
            throw new ArgumentException("A token must be one or more visible ASCII characters, without white space (it travels as 'Authorization: Bearer <token>').", nameof(token));
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    // Every credential is compared, match or not: see the remarks.
    private static Principal? Find(Credential[] credentials, byte[] hash)
    {
        Principal? found = null;
        foreach (var credential in credentials)
        {
            if (CryptographicOperations.FixedTimeEquals(credential.Hash, hash))
            {
                found ??= credential.Principal;
            }
        }
        return found;
    }

    private void Refresh()
    {
        if (FilePath is null)
        {
            return;
        }
        var stamp = FileStamp.Of(FilePath);
        if (stamp == Volatile.Read(ref _stamp))
        {
            return;
        }
        lock (_gate)
        {
            stamp = FileStamp.Of(FilePath);
            if (stamp == _stamp)
            {
                return;
            }
            try
            {
                _fromFile = stamp.Exists ? Load(FilePath) : [];
                Volatile.Write(ref _fileError, null);
            }
            catch (CredentialFileException ex)
            {
                _fromFile = []; // fail closed: a revocation half-written must not leave the old tokens valid
                Volatile.Write(ref _fileError, ex.Message);
            }
            Publish();
            Volatile.Write(ref _stamp, stamp);
        }
    }

    private void Publish() => Volatile.Write(ref _all, [.. _added, .. _fromFile]);

    private static Credential[] Load(string path)
    {
        CredentialFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentOSJsonContext.Default.CredentialFile);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CredentialFileException($"The credentials file {path} cannot be read: {ex.Message} None of its credentials is accepted until it is fixed.", ex);
        }
        var credentials = new List<Credential>();
        int index = 0;
        foreach (var entry in file?.Credentials ?? [])
        {
            credentials.Add(Parse(entry, path, index++));
        }
        return [.. credentials];
    }

    private static Credential Parse(CredentialFileEntry? entry, string path, int index)
    {
        string where = $"The credentials file {path}, entry {index}";
        if (entry?.Agent is not { } agent || !AgentIdentity.IsValidId(agent))
        {
            throw new CredentialFileException($"{where}: \"agent\" must be a valid agent id (ASCII letters, digits, '_', '-', '.').");
        }
        byte[] hash;
        if (entry.Token is { Length: > 0 } token && entry.TokenSha256 is null)
        {
            try
            {
                hash = HashOf(token);
            }
            catch (ArgumentException ex)
            {
                throw new CredentialFileException($"{where}: {ex.Message}", ex);
            }
        }
        else if (entry.Token is null && entry.TokenSha256 is { Length: 64 } hex && IsLowerHex(hex))
        {
            hash = Convert.FromHexString(hex);
        }
        else
        {
            throw new CredentialFileException($"{where}: give exactly one of \"token\" or \"token_sha256\" (64 lowercase hex digits, e.g. printf %s TOKEN | sha256sum).");
        }
        return new Credential(hash, new Principal(agent, entry.Admin));
    }

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(string text) => !text.AsSpan().ContainsAnyExcept(LowerHex);

    private sealed record Credential(byte[] Hash, Principal Principal);

    private sealed record FileStamp(bool Exists, long Length, DateTime Written)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.Length, info.LastWriteTimeUtc) : new FileStamp(false, 0, default);
        }
    }
}
