using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Tests.Storage;

/// <summary>The cache must keep the whole contract of the backend behind it (a small budget, so eviction runs too).</summary>
public sealed class CachingStorageContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        new CachingStorage(FileStore.Open(setup.Directory, new FileStoreOptions { VersionsKept = setup.VersionsKept, Time = setup.Time }), 64 * 1024);
}
