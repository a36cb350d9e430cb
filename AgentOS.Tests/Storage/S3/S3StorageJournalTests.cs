using System.Text;
using AgentOS.Storage;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.S3;

/// <summary>The S3 store's journal on a real server: what a crash leaves behind is never visible and is collected,
/// checkpoints replace records without losing anything, and a damaged record is reported, not guessed around.</summary>
[RequiresEnv(S3rver.EndpointVariable)]
public sealed class S3StorageJournalTests
{
    private static string Prefix() => "journal-" + Guid.NewGuid().ToString("N")[..10] + "/";

    private static async Task<List<string>> KeysAsync(S3Client client, string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in client.ListAllAsync(prefix))
        {
            keys.Add(item.Key[prefix.Length..]);
        }
        return keys;
    }

    [Test]
    public async Task A_commit_cut_short_before_its_record_is_invisible_and_collected()
    {
        var prefix = Prefix();
        await using (var store = await S3Storage.OpenAsync(S3rver.Options(prefix)))
        {
            await store.WriteAsync("k", "committed"u8.ToArray());
        }
        using var client = new S3Client(S3rver.Options(prefix));
        // What a crash between uploading a batch's bytes and writing its record leaves: data objects of commit 2 and
        // no log/000000000002.
        await client.PutObjectAsync(prefix + "data/000000000002.0", "half a batch"u8.ToArray());
        await client.PutObjectAsync(prefix + "data/000000000002.1", "other half"u8.ToArray());

        await using (var store = await S3Storage.OpenAsync(S3rver.Options(prefix)))
        {
            Assert.Equal("committed", Encoding.UTF8.GetString(Assert.NotNull(await store.ReadAsync("k")).Data.Span));
            Assert.Equal(1, (await store.StatAsync("k"))!.Version);
            Assert.SequenceEqual(["data/000000000001.0", "log/000000000001"], await KeysAsync(client, prefix));
            // The next commit takes number 2 again; its objects are new ones.
            Assert.Equal(2, (await store.WriteAsync("k", "next"u8.ToArray())).Version);
        }
        await using var reopened = await S3Storage.OpenAsync(S3rver.Options(prefix));
        Assert.Equal("next", Encoding.UTF8.GetString(Assert.NotNull(await reopened.ReadAsync("k")).Data.Span));
    }

    [Test(TimeoutSeconds = 120)]
    public async Task Checkpoints_replace_records_and_lose_nothing()
    {
        var prefix = Prefix();
        int commits = S3Storage.CheckpointEvery + 6;
        await using (var store = await S3Storage.OpenAsync(S3rver.Options(prefix), versionsKept: 3))
        {
            for (int i = 1; i <= commits; i++)
            {
                await store.WriteAsync("k" + (i % 4), Encoding.UTF8.GetBytes("v" + i));
            }
            await store.DeleteAsync("k0");
        }
        using var client = new S3Client(S3rver.Options(prefix));
        var objects = await KeysAsync(client, prefix);
        Assert.SequenceEqual(["checkpoint/" + S3Storage.CheckpointEvery.ToString("D12")], objects.Where(o => o.StartsWith("checkpoint/", StringComparison.Ordinal)));
        Assert.Equal(7, objects.Count(o => o.StartsWith("log/", StringComparison.Ordinal)), "the records after the checkpoint");
        Assert.Equal(9, objects.Count(o => o.StartsWith("data/", StringComparison.Ordinal)), "three kept versions of k1, k2, k3; k0 deleted");

        await using var reopened = await S3Storage.OpenAsync(S3rver.Options(prefix), versionsKept: 3);
        Assert.SequenceEqual(["k1", "k2", "k3"], (await reopened.ListAsync("")).Select(e => e.Path));
        Assert.SequenceEqual([16, 17, 18], (await reopened.VersionsAsync("k2")).Select(v => v.Version));
        Assert.Equal("v" + (commits - 1), Encoding.UTF8.GetString(Assert.NotNull(await reopened.ReadAsync("k" + ((commits - 1) % 4))).Data.Span));
        Assert.Null(await reopened.ReadAsync("k0"));
    }

    [Test]
    public async Task A_damaged_record_is_reported_as_corrupt()
    {
        var prefix = Prefix();
        await using (var store = await S3Storage.OpenAsync(S3rver.Options(prefix)))
        {
            await store.WriteAsync("k", "v"u8.ToArray());
        }
        using var client = new S3Client(S3rver.Options(prefix));
        await client.PutObjectAsync(prefix + "log/000000000002", "agentos-s3-journal 1\nW\tk\tnot-a-number\n"u8.ToArray());
        var error = await Assert.ThrowsAsync<StorageCorruptException>(() => S3Storage.OpenAsync(S3rver.Options(prefix)));
        Assert.Contains("log/000000000002", error.Message);
    }

    [Test]
    public async Task A_missing_bucket_without_create_is_unavailable_on_open()
    {
        var options = S3rver.Options(bucket: "absent-" + Guid.NewGuid().ToString("N")[..8]);
        options.CreateBucket = false;
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => S3Storage.OpenAsync(options));
        Assert.Contains("create_bucket", error.Message);
    }
}
