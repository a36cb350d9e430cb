using AgentOS.Storage;
using AgentOS.Storage.Sqlite;

namespace AgentOS.Tests.Storage.Sqlite;

/// <summary>The storage contract against the SQLite backend on the system library.</summary>
[RequiresSqlite]
public sealed class SqliteStorageContract : StorageContractTests
{
    protected override IStorageBackend Create(StorageTestSetup setup) =>
        new SqliteStorage(Path.Combine(setup.Directory, "store.db"), setup.VersionsKept, setup.Time);
}
