using System.Text;
using AgentOS.Formats;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Storage.S3;

namespace AgentOS.Tests.Compatibility;

/// <summary>An S3 store's journal record of a newer format version is refused with how to migrate, not read as damage.</summary>
[RequiresEnv(S3rver.EndpointVariable)]
public sealed class S3FormatVersionTests
{
    [Test]
    public async Task AJournalRecordOfANewerVersionIsRefused()
    {
        var prefix = "format-" + Guid.NewGuid().ToString("N")[..10] + "/";
        await using (var store = await S3Storage.OpenAsync(S3rver.Options(prefix)))
        {
            await store.WriteAsync("k", "v"u8.ToArray());
        }
        using var client = new S3Client(S3rver.Options(prefix));
        string record = prefix + "log/000000000001";
        var text = Encoding.UTF8.GetString((await client.GetObjectAsync(record))!);
        Assert.True(text.StartsWith("agentos-s3-journal 1\n", StringComparison.Ordinal), text);
        await client.PutObjectAsync(record, Encoding.UTF8.GetBytes("agentos-s3-journal 2\n" + text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..]));

        var refused = await Assert.ThrowsAsync<FormatVersionException>(async () => await S3Storage.OpenAsync(S3rver.Options(prefix)));
        Assert.Equal("S3 store journal", refused.Kind);
        Assert.Equal(2L, refused.Found);
        Assert.Contains("newer AgentOS: run that version", refused.Message);
    }
}
