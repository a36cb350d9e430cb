using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentOS.Storage.S3;

/// <summary>
/// AWS Signature Version 4 with HMAC-SHA256, written from the published specification (no SDK): canonical request,
/// string to sign, signing key and <c>Authorization</c> header. Checked byte for byte against AWS's worked examples
/// (the S3 GET/PUT/lifecycle/list examples and the IAM <c>ListUsers</c> and test-suite <c>get-vanilla</c> requests).
/// Thread-safe.
/// </summary>
/// <remarks>
/// S3 differs from the other services in one place: its canonical URI is the object path encoded once, exactly as sent,
/// while every other service encodes the (already encoded) path a second time. Getting that wrong signs keys with a
/// space or a <c>$</c> differently from the server, so the service decides it here rather than each caller.
/// </remarks>
internal sealed class SigV4Signer
{
    /// <summary>The algorithm named in the string to sign and the <c>Authorization</c> header.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The <c>x-amz-content-sha256</c> value that tells S3 the body is not part of the signature.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>SHA-256 of the empty body, lowercase hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly string _accessKeyId;
    private readonly byte[] _secretKey;
    private readonly string _region;
    private readonly string _service;
    private readonly bool _encodePathTwice;
    private DatedKey _signingKey = new("", []);

    /// <summary>Creates a signer for one credential, region and service (for example <c>s3</c>).</summary>
    public SigV4Signer(string accessKeyId, string secretAccessKey, string region, string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        _accessKeyId = accessKeyId;
        _secretKey = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        _region = region;
        _service = service;
        _encodePathTwice = service != "s3";
    }

    /// <summary>
    /// Signs a request. <paramref name="path"/> is the decoded absolute path (for S3, <c>/</c> plus the key, or
    /// <c>/bucket/key</c> path-style); <paramref name="query"/> the decoded query parameters; <paramref name="headers"/>
    /// every header to sign, which must include <c>host</c> and <c>x-amz-date</c> (and for S3 <c>x-amz-content-sha256</c>);
    /// <paramref name="payloadHash"/> the body's lowercase hex SHA-256 or <see cref="UnsignedPayload"/>.
    /// </summary>
    public SigV4Signature Sign(
        string method,
        string path,
        IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash,
        DateTimeOffset time)
    {
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
        var canonicalRequest = string.Join('\n',
            method, CanonicalUri(path, _encodePathTwice), CanonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash);

        var utc = time.UtcDateTime;
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{_region}/{_service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, AmzDate(time), scope, Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest)));

        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={_accessKeyId}/{scope},SignedHeaders={signedHeaders},Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
    }

    /// <summary>The <c>x-amz-date</c> form of <paramref name="time"/>: ISO 8601 basic, UTC, seconds.</summary>
    public static string AmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Lowercase hex SHA-256 of <paramref name="payload"/>, the <c>x-amz-content-sha256</c> of a signed body.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>The derived key for <paramref name="date"/> (<c>yyyyMMdd</c>): HMAC chain over date, region, service and
    /// <c>aws4_request</c>. Cached for the current date, since every request of a day uses the same one.</summary>
    public byte[] SigningKey(string date)
    {
        var cached = _signingKey;
        if (cached.Date == date)
        {
            return cached.Key;
        }
        var key = HMACSHA256.HashData(_secretKey, Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        // One reference write of an immutable pair: a racing request sees the old pair (and derives again) or this one,
        // never a date with another date's key.
        _signingKey = new DatedKey(date, key);
        return key;
    }

    /// <summary>The canonical URI: the path encoded once with slashes kept (S3), or encoded twice (other services).</summary>
    internal static string CanonicalUri(string path, bool encodeTwice)
    {
        if (path.Length == 0)
        {
            return "/";
        }
        var once = SigV4Encoding.Encode(path, keepSlash: true);
        return encodeTwice ? SigV4Encoding.Encode(once, keepSlash: true) : once;
    }

    /// <summary>The canonical query: names and values encoded (slash included), sorted by name then value, joined by
    /// <c>&amp;</c>; a parameter without a value still gets its <c>=</c>.</summary>
    internal static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        var encoded = query
            .Select(p => (Name: SigV4Encoding.Encode(p.Key, keepSlash: false), Value: SigV4Encoding.Encode(p.Value, keepSlash: false)))
            .ToList();
        // Ordinal: the specification sorts by code point of the encoded strings, never by culture.
        encoded.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : string.CompareOrdinal(a.Value, b.Value));
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>Canonical headers (lowercased names, values trimmed with inner runs of spaces collapsed, repeated names
    /// joined by commas, sorted by name, each line ended by a newline) and the signed-header list.</summary>
    internal static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            var trimmed = CollapseSpaces(value);
            byName[key] = byName.TryGetValue(key, out var existing) ? existing + "," + trimmed : trimmed;
        }
        var canonical = new StringBuilder();
        foreach (var (name, value) in byName)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }
        var builder = new StringBuilder(trimmed.Length);
        foreach (char c in trimmed)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private sealed record DatedKey(string Date, byte[] Key);
}
