using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.S3;

/// <summary>
/// The signer against an independent implementation on requests AWS's examples do not cover: a path-style key with a
/// space, <c>$</c>, <c>+</c>, <c>%</c> and Cyrillic, extra signed headers, and a list query with slashes, spaces and
/// <c>+</c>/<c>=</c> in its values. The expected strings are what botocore 1.43.11 (<c>aws --debug s3api …</c> against
/// a local s3rver, key S3RVER/S3RVER) printed for those requests; nothing here is computed by this code.
/// </summary>
public sealed class SigV4BotocoreTests
{
    private static readonly SigV4Signer Signer = new("S3RVER", "S3RVER", "us-east-1", "s3");

    private static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    [Test]
    public void Put_object_with_an_awkward_key_matches_botocore()
    {
        const string Hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
        var signed = Signer.Sign("PUT", "/agentos-test/cross/a b$c+d%e/ключ", [],
            [
                P("host", "127.0.0.1:4599"), P("x-amz-checksum-crc32", "Ox7nCg=="), P("x-amz-content-sha256", Hash),
                P("x-amz-date", "20261125T160821Z"), P("x-amz-sdk-checksum-algorithm", "CRC32"),
            ],
            Hash, new DateTimeOffset(2026, 11, 25, 16, 8, 21, TimeSpan.Zero));
        Assert.Equal(string.Join('\n',
            "PUT",
            "/agentos-test/cross/a%20b%24c%2Bd%25e/%D0%BA%D0%BB%D1%8E%D1%87",
            "",
            "host:127.0.0.1:4599",
            "x-amz-checksum-crc32:Ox7nCg==",
            "x-amz-content-sha256:" + Hash,
            "x-amz-date:20261125T160821Z",
            "x-amz-sdk-checksum-algorithm:CRC32",
            "",
            "host;x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date;x-amz-sdk-checksum-algorithm",
            Hash), signed.CanonicalRequest);
        Assert.Equal("AWS4-HMAC-SHA256\n20261125T160821Z\n20261125/us-east-1/s3/aws4_request\nccfe69bf02a8190fe0d555b627c64eccd447f0ef0ad52c1d87b097b91addd075", signed.StringToSign);
        Assert.Equal("c1580c07518c5d529d439d07d04017374871f77b7dd434608be98cbad9128af2", signed.Signature);
    }

    [Test]
    public void List_objects_with_an_encoded_query_matches_botocore()
    {
        const string Empty = SigV4Signer.EmptyPayloadHash;
        var signed = Signer.Sign("GET", "/agentos-test",
            [P("list-type", "2"), P("max-keys", "2"), P("prefix", "cross/a b"), P("start-after", "cross/a+b=c"), P("encoding-type", "url")],
            [P("host", "127.0.0.1:4599"), P("x-amz-content-sha256", Empty), P("x-amz-date", "20261125T160817Z")],
            Empty, new DateTimeOffset(2026, 11, 25, 16, 8, 17, TimeSpan.Zero));
        Assert.Equal(string.Join('\n',
            "GET",
            "/agentos-test",
            "encoding-type=url&list-type=2&max-keys=2&prefix=cross%2Fa%20b&start-after=cross%2Fa%2Bb%3Dc",
            "host:127.0.0.1:4599",
            "x-amz-content-sha256:" + Empty,
            "x-amz-date:20261125T160817Z",
            "",
            "host;x-amz-content-sha256;x-amz-date",
            Empty), signed.CanonicalRequest);
        Assert.Equal("AWS4-HMAC-SHA256\n20261125T160817Z\n20261125/us-east-1/s3/aws4_request\n7b4b0d1264e1a268a585499cda64bc077e8d9454a246c0afbd08d33e8428bcd6", signed.StringToSign);
        Assert.Equal("e2a56a5253d65c2291eb94ee4043c6943d82c02473cf72501e1684e5eda55aad", signed.Signature);
    }
}
