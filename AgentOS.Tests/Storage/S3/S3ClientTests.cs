using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentOS.Storage;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;
using AgentOS.Time;

namespace AgentOS.Tests.Storage.S3;

/// <summary>The S3 client against a real S3 server (s3rver): objects with awkward keys, ListObjectsV2 page by page,
/// both addressing styles, and S3's errors as typed storage errors.</summary>
[RequiresEnv(S3rver.EndpointVariable)]
public sealed class S3ClientTests
{
    private static string Unique() => "client-" + Guid.NewGuid().ToString("N")[..10] + "/";

    private static async Task<S3Client> ClientAsync(S3StorageOptions? options = null)
    {
        var client = new S3Client(options ?? S3rver.Options());
        await client.CreateBucketAsync();
        return client;
    }

    [Test]
    public async Task Objects_with_awkward_keys_round_trip()
    {
        using var client = await ClientAsync();
        var folder = Unique();
        // A space, a dollar, a plus, a percent, an equals sign, non-ASCII and an astral character: each must be
        // encoded once on the wire and in the signature.
        string[] keys = ["a b", "test$file.text", "1+1=2", "100%", "ключ/ü", "emoji-😀", "tilde~under_score-dot."];
        foreach (var key in keys)
        {
            var body = Encoding.UTF8.GetBytes("value of " + key);
            await client.PutObjectAsync(folder + key, body);
            Assert.SequenceEqual(body, Assert.NotNull(await client.GetObjectAsync(folder + key)), key);
            Assert.Equal((long?)body.Length, await client.HeadObjectAsync(folder + key), key);
        }
        var listed = new List<string>();
        await foreach (var item in client.ListAllAsync(folder))
        {
            listed.Add(item.Key[folder.Length..]);
        }
        Assert.SequenceEqual(keys.Order(StringComparer.Ordinal), listed);

        await client.DeleteObjectAsync(folder + "a b");
        Assert.Null(await client.GetObjectAsync(folder + "a b"));
        Assert.Null(await client.HeadObjectAsync(folder + "a b"));
        await client.DeleteObjectAsync(folder + "a b"); // deleting what is gone succeeds, as in S3
        Assert.Null(await client.GetObjectAsync(folder + "never-written"));
    }

    [Test]
    public async Task Listing_follows_continuation_tokens_page_by_page()
    {
        using var client = await ClientAsync();
        var folder = Unique();
        for (int i = 0; i < 5; i++)
        {
            await client.PutObjectAsync($"{folder}k{i}", new byte[i]);
        }
        await client.PutObjectAsync(folder.TrimEnd('/') + "-outside", new byte[1]);

        var first = await client.ListObjectsAsync(folder, null, 2);
        Assert.SequenceEqual([folder + "k0", folder + "k1"], first.Objects.Select(o => o.Key));
        Assert.NotNull(first.NextContinuationToken);
        var second = await client.ListObjectsAsync(folder, first.NextContinuationToken, 2);
        Assert.SequenceEqual([folder + "k2", folder + "k3"], second.Objects.Select(o => o.Key));
        var third = await client.ListObjectsAsync(folder, second.NextContinuationToken, 2);
        Assert.SequenceEqual([folder + "k4"], third.Objects.Select(o => o.Key));
        Assert.Null(third.NextContinuationToken);

        var all = new List<S3Object>();
        await foreach (var item in client.ListAllAsync(folder, pageSize: 2))
        {
            all.Add(item);
        }
        Assert.SequenceEqual([0L, 1L, 2L, 3L, 4L], all.Select(o => o.Size));
    }

    [Test]
    public async Task Virtual_hosted_addressing_puts_the_bucket_in_the_host()
    {
        // The host names are AWS's form (bucket.s3.amazonaws.com), which s3rver maps to the bucket; every connection
        // is routed to the local server, so nothing leaves the machine.
        var local = S3rver.Endpoint;
        var seenHosts = new List<string>();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                lock (seenHosts)
                {
                    seenHosts.Add(context.DnsEndPoint.Host);
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, local.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var options = S3rver.Options();
        options.Endpoint = new Uri($"http://s3.amazonaws.com:{local.Port}");
        options.PathStyle = false;
        options.Handler = handler;
        using var client = await ClientAsync(options);
        var key = Unique() + "virtual";
        await client.PutObjectAsync(key, "hosted"u8.ToArray());
        Assert.Equal("hosted", Encoding.UTF8.GetString(Assert.NotNull(await client.GetObjectAsync(key))));

        // Read back path-style from the plain endpoint: the same bucket and key.
        using var pathStyle = await ClientAsync();
        Assert.Equal("hosted", Encoding.UTF8.GetString(Assert.NotNull(await pathStyle.GetObjectAsync(key))));
        Assert.True(seenHosts.Count > 0 && seenHosts.All(h => h == S3rver.Bucket + ".s3.amazonaws.com"), string.Join(", ", seenHosts));
    }

    [Test]
    public async Task A_missing_bucket_is_unavailable_and_says_so()
    {
        using var client = new S3Client(S3rver.Options(bucket: "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]));
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => client.PutObjectAsync("k", new byte[1]));
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("NoSuchBucket", error.Message);
    }

    [Test]
    public async Task A_skewed_clock_is_refused_with_a_clear_error()
    {
        var options = S3rver.Options();
        options.SigningClock = new ManualTimeProvider(new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero));
        using var client = new S3Client(options);
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => client.GetObjectAsync("k"));
        Assert.Contains("RequestTimeTooSkewed", error.Message);
        Assert.Contains("clock", error.Message);
    }

    [Test]
    public async Task A_wrong_access_key_is_unavailable()
    {
        var options = S3rver.Options();
        options.AccessKeyId = "NOT-S3RVER";
        using var client = new S3Client(options);
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => client.GetObjectAsync("k"));
        Assert.Contains("InvalidAccessKeyId", error.Message);
    }
}
