using System.Net;
using AgentOS.Storage;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage.S3;

/// <summary>What the S3 client does without an S3 server: parse error and list XML, refuse bad endpoints, report an
/// endpoint where nothing listens.</summary>
public sealed class S3OfflineTests
{
    [Test]
    public void Error_xml_is_parsed_and_mapped_to_storage_errors()
    {
        var (code, message) = S3Error.Parse(HttpStatusCode.NotFound,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>");
        Assert.Equal("NoSuchBucket", code);
        Assert.Equal("The specified bucket does not exist", message);
        Assert.True(S3Error.ToStorageException(HttpStatusCode.NotFound, code, message, "Reading", "b") is StorageUnavailableException);
        Assert.True(S3Error.ToStorageException(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", "", "Reading", "b") is StorageUnavailableException);
        Assert.True(S3Error.ToStorageException(HttpStatusCode.ServiceUnavailable, "SlowDown", "", "Writing", "b") is StorageFailedException);
        Assert.True(S3Error.ToStorageException(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "", "Writing", "b") is StorageFailedException);

        // Not XML (a proxy's HTML page, a HEAD answer): the status stands in for the code.
        Assert.Equal(("502", "BadGateway"), S3Error.Parse(HttpStatusCode.BadGateway, "<html>bad gateway"));
        Assert.Equal(("404", "NotFound"), S3Error.Parse(HttpStatusCode.NotFound, ""));
    }

    [Test]
    public void A_list_page_is_parsed_with_its_token()
    {
        var page = S3Client.ParseListPage("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
              <Contents><Key>p/a &amp; b</Key><Size>3</Size></Contents>
              <Contents><Key>p/c</Key><Size>0</Size></Contents>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            </ListBucketResult>
            """, "test");
        Assert.SequenceEqual([new S3Object("p/a & b", 3), new S3Object("p/c", 0)], page.Objects);
        Assert.Equal("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", page.NextContinuationToken);

        Assert.Throws<StorageFailedException>(() => S3Client.ParseListPage("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>", "test"));
        Assert.Throws<StorageFailedException>(() => S3Client.ParseListPage("not xml", "test"));
    }

    [Test]
    public async Task An_endpoint_where_nothing_listens_is_unavailable()
    {
        using var nothing = FreePort.Refusing();
        using var client = new S3Client(new S3StorageOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{nothing.Port}"),
            Bucket = "b",
            AccessKeyId = "A",
            SecretAccessKey = "S",
        });
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => client.GetObjectAsync("k"));
        Assert.Contains("cannot be reached", error.Message);
    }

    [Test]
    public void Endpoints_with_a_path_or_another_scheme_are_refused()
    {
        foreach (var endpoint in new[] { "http://127.0.0.1:9000/bucket", "ftp://127.0.0.1/" })
        {
            Assert.Throws<ArgumentException>(() => new S3Client(new S3StorageOptions { Endpoint = new Uri(endpoint), Bucket = "b", AccessKeyId = "A", SecretAccessKey = "S" }).Dispose());
        }
        Assert.Throws<ArgumentException>(() => new S3Storage(new S3StorageOptions { Endpoint = new Uri("http://127.0.0.1:1"), Bucket = "b", AccessKeyId = "A", SecretAccessKey = "S", Prefix = "no-slash" }).DisposeAsync().AsTask().Wait());
    }
}
