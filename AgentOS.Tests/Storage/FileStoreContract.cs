using AgentOS.Storage;
using AgentOS.Storage.Files;

namespace AgentOS.Tests.Storage;

public sealed class FileStoreContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        FileStore.Open(setup.Directory, new FileStoreOptions { VersionsKept = setup.VersionsKept, Time = setup.Time });
}

/// <summary>The same contract with tiny segments, so rollover, checkpoints and compaction run under every test.</summary>
public sealed class FileStoreSmallSegmentsContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        FileStore.Open(setup.Directory, new FileStoreOptions { VersionsKept = setup.VersionsKept, Time = setup.Time, SegmentBytes = 4096, CompactionDeadRatio = 0.3 });
}

/// <summary>The same contract with one sync per commit.</summary>
public sealed class FileStoreWithoutGroupCommitContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        FileStore.Open(setup.Directory, new FileStoreOptions { VersionsKept = setup.VersionsKept, Time = setup.Time, GroupCommit = false });
}
