using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;

namespace AgentOS.Storage.S3;

/// <summary>
/// The few S3 operations the store needs, over <see cref="HttpClient"/>, signed with <see cref="SigV4Signer"/>:
/// PUT, GET, HEAD and DELETE of objects, ListObjectsV2 with continuation tokens, and bucket creation. Path-style or
/// virtual-hosted addressing. Every body is signed (its SHA-256 in <c>x-amz-content-sha256</c>), so a server that
/// checks signatures also checks the bytes. Thread-safe.
/// </summary>
internal sealed partial class S3Client : IDisposable
{
    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly TimeProvider _clock;
    private readonly S3StorageOptions _options;

    public S3Client(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Bucket);
        if (!options.Endpoint.IsAbsoluteUri || options.Endpoint.Scheme is not ("http" or "https") || options.Endpoint.AbsolutePath != "/")
        {
            throw new ArgumentException($"The S3 endpoint '{options.Endpoint}' must be an absolute http or https address without a path, such as https://s3.us-east-1.amazonaws.com.", nameof(options));
        }
        _options = options;
        _signer = new SigV4Signer(options.AccessKeyId, options.SecretAccessKey, options.Region, "s3");
        _clock = options.SigningClock ?? TimeProvider.System;
        _http = options.Handler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = options.RequestTimeout }
            : new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.RequestTimeout };
    }

    /// <summary>The bucket this client addresses.</summary>
    public string Bucket => _options.Bucket;

    /// <summary>Stores <paramref name="body"/> under <paramref name="key"/>; with <paramref name="ifAbsent"/>, only
    /// when no object has that key yet (where the server supports conditional writes).</summary>
    public async Task PutObjectAsync(string key, ReadOnlyMemory<byte> body, bool ifAbsent = false, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Put, key, [], body, ifAbsent ? [new("If-None-Match", "*")] : [], cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"Writing s3://{Bucket}/{key}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The object's bytes, or <see langword="null"/> when there is no such key.</summary>
    public async Task<byte[]?> GetObjectAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, key, [], null, [], cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && await IsNoSuchKeyAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        await EnsureSuccessAsync(response, $"Reading s3://{Bucket}/{key}", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The object's size, or <see langword="null"/> when there is no such key.</summary>
    public async Task<long?> HeadObjectAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Head, key, [], null, [], cancellationToken).ConfigureAwait(false);
        // A HEAD answer has no body to tell a missing key from a missing bucket: a 404 is a missing key here, and a
        // missing bucket shows on the next GET, PUT or list.
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, $"Checking s3://{Bucket}/{key}", cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? 0;
    }

    /// <summary>Deletes the object; deleting a key that does not exist succeeds, as in S3.</summary>
    public async Task DeleteObjectAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, key, [], null, [], cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"Deleting s3://{Bucket}/{key}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of keys under <paramref name="prefix"/> (ListObjectsV2), after <paramref name="continuationToken"/>.</summary>
    public async Task<S3ListPage> ListObjectsAsync(string prefix, string? continuationToken = null, int maxKeys = 1000, CancellationToken cancellationToken = default)
    {
        List<KeyValuePair<string, string>> query = [new("list-type", "2"), new("prefix", prefix), new("max-keys", maxKeys.ToString(CultureInfo.InvariantCulture))];
        if (continuationToken is not null)
        {
            query.Add(new("continuation-token", continuationToken));
        }
        using var response = await SendAsync(HttpMethod.Get, "", query, null, [], cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"Listing s3://{Bucket}/{prefix}", cancellationToken).ConfigureAwait(false);
        var xml = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return ParseListPage(xml, $"s3://{Bucket}/{prefix}");
    }

    /// <summary>Every key under <paramref name="prefix"/>, page after page, in key order.</summary>
    public async IAsyncEnumerable<S3Object> ListAllAsync(string prefix, int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await ListObjectsAsync(prefix, token, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Objects)
            {
                yield return item;
            }
            token = page.NextContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Creates the bucket; one that exists and that these credentials can list is fine.</summary>
    public async Task CreateBucketAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Put, null, [], null, [], cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var (code, _) = S3Error.Parse(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            // AWS says BucketAlreadyOwnedByYou for our own bucket, s3rver and others BucketAlreadyExists; whether an
            // existing bucket is usable is what matters, and a list answers that (or throws why not).
            if (code is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                await ListObjectsAsync("", null, 1, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        await EnsureSuccessAsync(response, $"Creating bucket '{Bucket}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses a ListObjectsV2 answer.</summary>
    internal static S3ListPage ParseListPage(string xml, string what)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(xml).Root ?? throw new XmlException("no root element");
        }
        catch (XmlException ex)
        {
            throw new StorageFailedException($"Listing {what} returned something that is not a ListObjectsV2 answer ({ex.Message}); is the endpoint an S3 server?", ex);
        }
        var objects = new List<S3Object>();
        foreach (var contents in root.Elements().Where(e => e.Name.LocalName == "Contents"))
        {
            var key = Child(contents, "Key") ?? "";
            var size = long.TryParse(Child(contents, "Size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            objects.Add(new S3Object(key, size));
        }
        bool truncated = string.Equals(Child(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
        var next = truncated ? Child(root, "NextContinuationToken") : null;
        if (truncated && string.IsNullOrEmpty(next))
        {
            throw new StorageFailedException($"Listing {what}: the server said the list goes on but gave no continuation token; it does not speak ListObjectsV2.");
        }
        return new S3ListPage(objects, next);
    }

    private static string? Child(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public void Dispose() => _http.Dispose();
}
