using AgentOS.Storage;
using AgentOS.Storage.S3;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.S3;

/// <summary>The storage contract against the S3 backend on a real S3 server (s3rver), each test under its own prefix.</summary>
[RequiresEnv(S3rver.EndpointVariable)]
public sealed class S3StorageContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        new S3Storage(S3rver.Options(setup.Namespace + "/"), setup.VersionsKept, setup.Time);
}
