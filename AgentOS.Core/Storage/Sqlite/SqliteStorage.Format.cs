using AgentOS.Formats;

namespace AgentOS.Storage.Sqlite;

/// <content>The database's format version, kept in SQLite's own <c>PRAGMA user_version</c>.</content>
public sealed partial class SqliteStorage
{
    // 0 is a database of commit 2c35f17 and before (or a new, empty one): the same schema, marked current on open. A
    // higher version than this build's is refused before the schema is touched.
    private static void UpgradeFormat(SqliteConnection db, string path, bool beforeSchema)
    {
        var read = db.Prepare("PRAGMA user_version");
        long version;
        try
        {
            read.Step();
            version = read.Int64(0);
        }
        finally
        {
            read.Reset();
        }
        if (version is < 0 or > FormatVersions.SqliteStore)
        {
            throw new FormatVersionException(path, "SQLite store", version, FormatVersions.SqliteStore);
        }
        if (!beforeSchema && version < FormatVersions.SqliteStore)
        {
            db.Execute($"PRAGMA user_version = {FormatVersions.SqliteStore}");
        }
    }
}
