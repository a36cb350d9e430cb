using AgentOS.Storage.Sqlite;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;

namespace AgentOS.Tests.Storage.Sqlite;

/// <summary>The LibraryImport layer over the system SQLite: open in WAL mode with synchronous=FULL, prepared statements
/// reused across binds, blobs and UTF-8 text round-tripped exactly, SQLite's own errors surfaced as typed errors.</summary>
[RequiresSqlite]
public sealed class SqliteConnectionTests
{
    [Test]
    public void Opens_in_wal_mode_with_full_sync()
    {
        using var dir = new TempDirectory();
        using var db = SqliteConnection.Open(dir.Combine("a.db"));
        using var mode = db.Prepare("PRAGMA journal_mode");
        Assert.True(mode.Step());
        Assert.Equal("wal", mode.Text(0));
        using var sync = db.Prepare("PRAGMA synchronous");
        Assert.True(sync.Step());
        Assert.Equal(2L, sync.Int64(0), "synchronous=FULL is 2");
        Assert.True(SqliteConnection.LibraryVersion.StartsWith("3.", StringComparison.Ordinal), SqliteConnection.LibraryVersion);
    }

    [Test]
    public void A_prepared_statement_is_reused_and_values_round_trip_exactly()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("b.db");
        byte[] binary = [0, 1, 2, 0xFF, 0, 0x80];
        using (var db = SqliteConnection.Open(file))
        {
            db.Execute("CREATE TABLE t(k TEXT PRIMARY KEY, v BLOB NOT NULL, n INTEGER)");
            var insert = db.Prepare("INSERT INTO t(k, v, n) VALUES(?1, ?2, ?3)");
            db.Execute("BEGIN");
            insert.Bind(1, "agents/ålice/ключ/😀").Bind(2, binary).Bind(3, long.MaxValue).Run();
            insert.Bind(1, "empty").Bind(2, ReadOnlySpan<byte>.Empty).Bind(3, -1).Run();
            db.Execute("COMMIT");
            Assert.Equal(1, db.Changes);
        }

        // Reopened: what was committed is on disk.
        using var again = SqliteConnection.Open(file);
        var select = again.Prepare("SELECT v, n, length(v), typeof(v) FROM t WHERE k = ?1");
        select.Bind(1, "agents/ålice/ключ/😀");
        Assert.True(select.Step());
        Assert.SequenceEqual(binary, select.Blob(0));
        Assert.Equal(long.MaxValue, select.Int64(1));
        select.Reset();
        select.Bind(1, "empty");
        Assert.True(select.Step());
        Assert.Equal(0, select.Blob(0).Length);
        Assert.Equal("blob", select.Text(3), "an empty value is a zero-length blob, not NULL");
        Assert.False(select.Step());
        select.Reset();
        select.Bind(1, "missing");
        Assert.False(select.Step());
        select.Reset();
    }

    [Test]
    public void Errors_carry_sqlites_code_and_message()
    {
        using var dir = new TempDirectory();
        using var db = SqliteConnection.Open(dir.Combine("c.db"));
        db.Execute("CREATE TABLE t(k TEXT PRIMARY KEY)");
        var insert = db.Prepare("INSERT INTO t(k) VALUES(?1)");
        insert.Bind(1, "x").Run();
        var duplicate = Assert.Throws<SqliteException>(() => insert.Bind(1, "x").Run());
        Assert.Equal(19, duplicate.ResultCode & 0xFF, "SQLITE_CONSTRAINT");
        Assert.Contains("UNIQUE constraint failed", duplicate.Message);

        var syntax = Assert.Throws<SqliteException>(() => db.Prepare("SELEC 1"));
        Assert.Contains("syntax error", syntax.Message);
        Assert.Throws<SqliteException>(() => db.Execute("INSERT INTO nowhere VALUES(1)"));
    }

    [Test]
    public void A_file_that_is_not_a_database_is_refused()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("junk.db");
        File.WriteAllBytes(file, new byte[4096].Select((_, i) => (byte)(i * 7)).ToArray());
        var error = Assert.Throws<SqliteException>(() => SqliteConnection.Open(file));
        Assert.Contains("not a database", error.Message);
    }
}
