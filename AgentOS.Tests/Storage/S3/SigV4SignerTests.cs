using System.Text;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.S3;

/// <summary>
/// The signer against AWS's published worked examples, byte for byte: the four S3 examples of "Examples: Signature
/// Calculations in AWS Signature Version 4" (S3 API reference, header-based authentication, single chunk), and the
/// general SigV4 examples (the IAM ListUsers request and the signature test suite's get-vanilla requests). Every
/// expected string below is AWS's, not computed by this code.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string S3AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string S3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset S3ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const string GeneralAccessKey = "AKIDEXAMPLE";
    private const string GeneralSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset GeneralExampleTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static SigV4Signer S3Signer() => new(S3AccessKey, S3Secret, "us-east-1", "s3");

    private static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    private static string Lines(params string[] lines) => string.Join('\n', lines);

    [Test]
    public void S3_get_object_with_a_range_header()
    {
        var signed = S3Signer().Sign("GET", "/test.txt", [],
            [P("Host", "examplebucket.s3.amazonaws.com"), P("Range", "bytes=0-9"), P("x-amz-content-sha256", EmptyHash), P("x-amz-date", "20130524T000000Z")],
            EmptyHash, S3ExampleTime);

        Assert.Equal(Lines(
            "GET",
            "/test.txt",
            "",
            "host:examplebucket.s3.amazonaws.com",
            "range:bytes=0-9",
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "x-amz-date:20130524T000000Z",
            "",
            "host;range;x-amz-content-sha256;x-amz-date",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), signed.CanonicalRequest);
        Assert.Equal(Lines(
            "AWS4-HMAC-SHA256",
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"), signed.StringToSign);
        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", signed.Signature);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", signed.Authorization);
    }

    [Test]
    public void S3_put_object_with_a_dollar_in_the_key_and_a_signed_body()
    {
        var payloadHash = SigV4Signer.Sha256Hex(Encoding.UTF8.GetBytes("Welcome to Amazon S3."));
        Assert.Equal("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", payloadHash);

        var signed = S3Signer().Sign("PUT", "/test$file.text", [],
            [
                P("Host", "examplebucket.s3.amazonaws.com"), P("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                P("x-amz-date", "20130524T000000Z"), P("x-amz-storage-class", "REDUCED_REDUNDANCY"), P("x-amz-content-sha256", payloadHash),
            ],
            payloadHash, S3ExampleTime);

        Assert.Equal(Lines(
            "PUT",
            "/test%24file.text",
            "",
            "date:Fri, 24 May 2013 00:00:00 GMT",
            "host:examplebucket.s3.amazonaws.com",
            "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            "x-amz-date:20130524T000000Z",
            "x-amz-storage-class:REDUCED_REDUNDANCY",
            "",
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"), signed.CanonicalRequest);
        Assert.Equal(Lines(
            "AWS4-HMAC-SHA256",
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"), signed.StringToSign);
        Assert.Equal("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", signed.Signature);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", signed.Authorization);
    }

    [Test]
    public void S3_get_bucket_lifecycle_signs_a_parameter_without_a_value() =>
        AssertBucketGet([P("lifecycle", "")], "lifecycle=",
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

    // Given out of order on purpose: the canonical query sorts them.
    [Test]
    public void S3_list_objects_sorts_its_query_parameters() =>
        AssertBucketGet([P("prefix", "J"), P("max-keys", "2")], "max-keys=2&prefix=J",
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");

    /// <summary>The two bucket-level examples share everything but the query, the canonical request's hash and the signature.</summary>
    private static void AssertBucketGet(KeyValuePair<string, string>[] query, string canonicalQuery, string canonicalRequestHash, string signature)
    {
        var signed = S3Signer().Sign("GET", "/", query,
            [P("Host", "examplebucket.s3.amazonaws.com"), P("x-amz-date", "20130524T000000Z"), P("x-amz-content-sha256", EmptyHash)],
            EmptyHash, S3ExampleTime);

        Assert.Equal(Lines(
            "GET",
            "/",
            canonicalQuery,
            "host:examplebucket.s3.amazonaws.com",
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "x-amz-date:20130524T000000Z",
            "",
            "host;x-amz-content-sha256;x-amz-date",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), signed.CanonicalRequest);
        Assert.Equal(Lines("AWS4-HMAC-SHA256", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonicalRequestHash), signed.StringToSign);
        Assert.Equal(signature, signed.Signature);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=" + signature, signed.Authorization);
    }

    [Test]
    public void Iam_list_users_general_example()
    {
        var signer = new SigV4Signer(GeneralAccessKey, GeneralSecret, "us-east-1", "iam");
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(signer.SigningKey("20150830")));

        var signed = signer.Sign("GET", "/", [P("Version", "2010-05-08"), P("Action", "ListUsers")],
            [P("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), P("Host", "iam.amazonaws.com"), P("X-Amz-Date", "20150830T123600Z")],
            EmptyHash, GeneralExampleTime);

        Assert.Equal(Lines(
            "GET",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            "content-type:application/x-www-form-urlencoded; charset=utf-8",
            "host:iam.amazonaws.com",
            "x-amz-date:20150830T123600Z",
            "",
            "content-type;host;x-amz-date",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), signed.CanonicalRequest);
        Assert.Equal(Lines(
            "AWS4-HMAC-SHA256",
            "20150830T123600Z",
            "20150830/us-east-1/iam/aws4_request",
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"), signed.StringToSign);
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signed.Signature);
    }

    [Test]
    public void Test_suite_get_vanilla_and_its_query_order_variant()
    {
        var signer = new SigV4Signer(GeneralAccessKey, GeneralSecret, "us-east-1", "service");
        KeyValuePair<string, string>[] headers = [P("Host", "example.amazonaws.com"), P("X-Amz-Date", "20150830T123600Z")];

        var vanilla = signer.Sign("GET", "/", [], headers, EmptyHash, GeneralExampleTime);
        Assert.Equal(Lines("GET", "/", "", "host:example.amazonaws.com", "x-amz-date:20150830T123600Z", "", "host;x-amz-date", EmptyHash), vanilla.CanonicalRequest);
        Assert.Equal(Lines("AWS4-HMAC-SHA256", "20150830T123600Z", "20150830/us-east-1/service/aws4_request",
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"), vanilla.StringToSign);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", vanilla.Signature);

        var reordered = signer.Sign("GET", "/", [P("Param2", "value2"), P("Param1", "value1")], headers, EmptyHash, GeneralExampleTime);
        Assert.Equal("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", reordered.Signature);
    }

    [Test]
    public void S3_paths_are_encoded_once_and_other_services_twice()
    {
        Assert.Equal("/a%20b/c%24d/%E2%82%AC/%F0%9F%98%80/x~y_z-1.2", SigV4Signer.CanonicalUri("/a b/c$d/€/😀/x~y_z-1.2", encodeTwice: false));
        // An object key that itself contains "%": S3 encodes it once (%25); another service's canonical path encodes the
        // already encoded path again (%2525).
        Assert.Equal("/100%25", SigV4Signer.CanonicalUri("/100%", encodeTwice: false));
        Assert.Equal("/100%2525", SigV4Signer.CanonicalUri("/100%", encodeTwice: true));
        Assert.Equal("/", SigV4Signer.CanonicalUri("", encodeTwice: false));
    }

    [Test]
    public void Query_encodes_slashes_and_reserved_characters_and_sorts_after_encoding()
    {
        Assert.Equal("continuation-token=a%2Fb%2Bc%3D&list-type=2&prefix=agents%2Falice%2F",
            SigV4Signer.CanonicalQuery([P("prefix", "agents/alice/"), P("list-type", "2"), P("continuation-token", "a/b+c=")]));
        // Same name twice: ordered by value.
        Assert.Equal("a=1&a=2&b=", SigV4Signer.CanonicalQuery([P("b", ""), P("a", "2"), P("a", "1")]));
    }

    [Test]
    public void Headers_are_lowercased_trimmed_collapsed_joined_and_sorted()
    {
        var (canonical, signedHeaders) = SigV4Signer.CanonicalHeaders(
            [P("X-Amz-Meta-B", "  two   words  "), P("Host", "h"), P("x-amz-meta-a", "1"), P("X-AMZ-META-A", "2")]);
        Assert.Equal("host:h\nx-amz-meta-a:1,2\nx-amz-meta-b:two words\n", canonical);
        Assert.Equal("host;x-amz-meta-a;x-amz-meta-b", signedHeaders);
    }

    [Test]
    public void The_signing_key_follows_the_date()
    {
        var signer = new SigV4Signer(GeneralAccessKey, GeneralSecret, "us-east-1", "iam");
        var first = signer.SigningKey("20150830");
        var next = signer.SigningKey("20150831");
        Assert.NotEqual(Convert.ToHexStringLower(first), Convert.ToHexStringLower(next));
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(signer.SigningKey("20150830")));
    }
}
