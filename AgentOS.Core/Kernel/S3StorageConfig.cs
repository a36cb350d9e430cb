using System.Text.Json.Serialization;
using AgentOS.Storage.S3;

namespace AgentOS.Kernel;

/// <summary>
/// The <c>s3</c> object of the config's <c>storage</c> object, for <c>"backend": "s3"</c>:
/// <c>{ "endpoint": "https://s3.us-east-1.amazonaws.com", "bucket": "my-agents", "region": "us-east-1", "prefix": "agentos/" }</c>.
/// The credentials may be given here or, better, in the environment (<c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c>), so the file holds no secret.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class S3StorageConfig
{
    /// <summary>See <see cref="S3StorageOptions.Endpoint"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>See <see cref="S3StorageOptions.Bucket"/>.</summary>
    public string? Bucket { get; set; }

    /// <summary>See <see cref="S3StorageOptions.Region"/>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>See <see cref="S3StorageOptions.Prefix"/>.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>See <see cref="S3StorageOptions.PathStyle"/>.</summary>
    public bool PathStyle { get; set; } = true;

    /// <summary>See <see cref="S3StorageOptions.CreateBucket"/>.</summary>
    public bool CreateBucket { get; set; }

    /// <summary>See <see cref="S3StorageOptions.ConditionalWrites"/>.</summary>
    public bool ConditionalWrites { get; set; } = true;

    /// <summary>The access key id; default the environment's <c>AWS_ACCESS_KEY_ID</c>.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key; default the environment's <c>AWS_SECRET_ACCESS_KEY</c>.</summary>
    public string? SecretAccessKey { get; set; }

    internal void Validate(string source)
    {
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.AbsolutePath != "/")
        {
            throw new KernelConfigException($"{source}: storage s3.endpoint must be an http or https address without a path, such as \"https://s3.us-east-1.amazonaws.com\", not '{Endpoint}'.");
        }
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new KernelConfigException($"{source}: storage s3.bucket is required for the s3 backend.");
        }
        if (Prefix.Length > 0 && !Prefix.EndsWith('/'))
        {
            throw new KernelConfigException($"{source}: storage s3.prefix must be empty or end with '/', not '{Prefix}'.");
        }
        if (string.IsNullOrEmpty(AccessKeyId ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"))
            || string.IsNullOrEmpty(SecretAccessKey ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")))
        {
            throw new KernelConfigException($"{source}: the s3 backend needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or storage s3.access_key_id and s3.secret_access_key.");
        }
    }

    internal S3StorageOptions ToOptions() => new()
    {
        Endpoint = new Uri(Endpoint!),
        Bucket = Bucket!,
        Region = Region,
        Prefix = Prefix,
        PathStyle = PathStyle,
        CreateBucket = CreateBucket,
        ConditionalWrites = ConditionalWrites,
        AccessKeyId = AccessKeyId ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")!,
        SecretAccessKey = SecretAccessKey ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")!,
    };
}
