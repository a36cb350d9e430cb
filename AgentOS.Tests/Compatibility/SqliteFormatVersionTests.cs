using AgentOS.Formats;
using AgentOS.Storage.Sqlite;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Storage.Sqlite;

namespace AgentOS.Tests.Compatibility;

/// <summary>The SQLite backend keeps its format version in <c>PRAGMA user_version</c>: a database of 2c35f17 (version
/// 0) opens and is marked current, a newer one is refused untouched.</summary>
[RequiresSqlite]
public sealed class SqliteFormatVersionTests
{
    [Test]
    public async Task AVersionZeroDatabaseOpensKeepsItsRowsAndIsMarkedCurrentAndANewerOneIsRefused()
    {
        using var folder = new TempDirectory("agentos-sqlite-format");
        string path = folder.Combine("storage.db");
        await using (var store = new SqliteStorage(path))
        {
            await store.WriteAsync("a/b", "kept"u8.ToArray());
        }
        Assert.Equal((long)FormatVersions.SqliteStore, UserVersion(path));
        SetUserVersion(path, 0); // as 2c35f17 left it: same schema, no version
        await using (var store = new SqliteStorage(path))
        {
            Assert.SequenceEqual("kept"u8.ToArray(), (await store.ReadAsync("a/b"))!.Value.Data.ToArray());
        }
        Assert.Equal((long)FormatVersions.SqliteStore, UserVersion(path));

        SetUserVersion(path, 2);
        var refused = Assert.Throws<FormatVersionException>(() => _ = new SqliteStorage(path));
        Assert.Equal("SQLite store", refused.Kind);
        Assert.Contains("newer AgentOS: run that version", refused.Message);
        Assert.Equal(2L, UserVersion(path));
    }

    private static long UserVersion(string path)
    {
        using var db = SqliteConnection.Open(path);
        var read = db.Prepare("PRAGMA user_version");
        read.Step();
        return read.Int64(0);
    }

    private static void SetUserVersion(string path, int version)
    {
        using var db = SqliteConnection.Open(path);
        db.Execute($"PRAGMA user_version = {version}");
    }
}
