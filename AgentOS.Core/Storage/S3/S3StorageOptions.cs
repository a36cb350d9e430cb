namespace AgentOS.Storage.S3;

/// <summary>Where and how <see cref="S3Storage"/> reaches its bucket.</summary>
public sealed class S3StorageOptions
{
    /// <summary>The service endpoint without the bucket: <c>https://s3.us-east-1.amazonaws.com</c>, or a compatible
    /// server's such as <c>http://127.0.0.1:4568</c>.</summary>
    public required Uri Endpoint { get; set; }

    /// <summary>The bucket. It must exist unless <see cref="CreateBucket"/> is set.</summary>
    public required string Bucket { get; set; }

    /// <summary>The signing region (<c>us-east-1</c> unless the bucket lives elsewhere).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The access key id.</summary>
    public required string AccessKeyId { get; set; }

    /// <summary>The secret access key.</summary>
    public required string SecretAccessKey { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which every S3-compatible server accepts; when
    /// <see langword="false"/>, virtual-hosted style (<c>bucket.endpoint/key</c>), which AWS prefers.</summary>
    public bool PathStyle { get; set; } = true;

    /// <summary>A key prefix under which this store keeps everything (its namespace in a shared bucket); empty or ending in <c>/</c>.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Creates the bucket when it does not exist yet.</summary>
    public bool CreateBucket { get; set; }

    /// <summary>
    /// Sends <c>If-None-Match: *</c> with each journal record, so that a second process writing the same prefix fails
    /// with a clear error instead of overwriting a record (AWS S3 honours it since 2024; servers that ignore it, such as
    /// s3rver, give no such protection). Turn off for servers that reject the header.
    /// </summary>
    public bool ConditionalWrites { get; set; } = true;

    /// <summary>The clock that stamps <c>x-amz-date</c>. It must be the real time (servers refuse requests more than 15
    /// minutes off), which is why it is separate from the store's clock for written times. Default: the system clock.</summary>
    public TimeProvider? SigningClock { get; set; }

    /// <summary>Sends requests instead of a handler of the store's own (tests route connections; hosts share pools).
    /// The store does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>How long one request may take before it fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
