using AgentOS.Storage;

namespace AgentOS.Tests.Storage;

public sealed class DirectoryStorageContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) => new DirectoryStorage(setup.Directory, setup.VersionsKept, setup.Time);
}
