namespace AgentOS.Storage.S3;

/// <summary>
/// One signed request: every intermediate of AWS Signature Version 4 is kept, so that a server's
/// <c>SignatureDoesNotMatch</c> (which echoes its own canonical request) can be compared with ours line by line.
/// </summary>
/// <param name="CanonicalRequest">Method, canonical URI, canonical query, canonical headers, signed headers and payload hash, one per line.</param>
/// <param name="StringToSign">Algorithm, timestamp, credential scope and the canonical request's SHA-256, one per line.</param>
/// <param name="SignedHeaders">The lowercased header names that were signed, sorted, separated by semicolons.</param>
/// <param name="Signature">The lowercase hex HMAC-SHA256 of the string to sign under the derived signing key.</param>
/// <param name="Authorization">The value of the <c>Authorization</c> header.</param>
internal sealed record SigV4Signature(
    string CanonicalRequest,
    string StringToSign,
    string SignedHeaders,
    string Signature,
    string Authorization);
