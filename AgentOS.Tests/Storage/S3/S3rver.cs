using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.S3;

/// <summary>The s3rver that .ci/run starts (AGENTOS_TEST_S3_ENDPOINT, for example http://127.0.0.1:4568): it accepts
/// only the access key S3RVER with secret S3RVER and does not check signatures (SigV4SignerTests does that).</summary>
public static class S3rver
{
    public const string EndpointVariable = "AGENTOS_TEST_S3_ENDPOINT";

    public const string Bucket = "agentos-test";

    public static Uri Endpoint => new(Requirements.Env(EndpointVariable));

    public static S3StorageOptions Options(string prefix = "", string bucket = Bucket) => new()
    {
        Endpoint = Endpoint,
        Bucket = bucket,
        AccessKeyId = "S3RVER",
        SecretAccessKey = "S3RVER",
        Prefix = prefix,
        CreateBucket = true,
    };
}
