using System.Runtime.InteropServices;
using System.Text;
using AgentOS.Interop;

namespace AgentOS.Storage.Sqlite;

/// <summary>
/// One connection to a SQLite database file through the system library. Not thread-safe: its owner serializes calls
/// (SQLite's own mutex would, but a reused prepared statement carries state between bind, step and reset, so the
/// owner's lock has to cover the whole sequence anyway).
/// </summary>
internal sealed unsafe class SqliteConnection : IDisposable
{
    private nint _db;
    private readonly List<SqliteStatement> _statements = [];

    private SqliteConnection(nint db) => _db = db;

    /// <summary>
    /// Opens (creating if needed) <paramref name="path"/> in write-ahead-log mode with <c>synchronous=FULL</c>: a commit
    /// returns only after its log frames are synced, so a committed transaction survives a power loss.
    /// </summary>
    /// <exception cref="DllNotFoundException">The system SQLite library is absent; the message says what to install.</exception>
    /// <exception cref="SqliteException">The file cannot be opened or is not a database.</exception>
    public static SqliteConnection Open(string path)
    {
        if (Sqlite3.TryLoad() is null)
        {
            throw new DllNotFoundException($"The SQLite backend needs the system SQLite library ({string.Join(", ", Sqlite3.Candidates)}); none loads: {Sqlite3.InstallHint}.");
        }
        int rc = Sqlite3.OpenV2(path, out var db, Sqlite3.SQLITE_OPEN_READWRITE | Sqlite3.SQLITE_OPEN_CREATE | Sqlite3.SQLITE_OPEN_FULLMUTEX, 0);
        var connection = new SqliteConnection(db);
        try
        {
            connection.Check(rc, $"open '{path}'");
            // A writer waits this long for another process's lock instead of failing at once with SQLITE_BUSY.
            connection.Check(Sqlite3.BusyTimeout(db, 5_000), "set the busy timeout");
            var mode = connection.ScalarText("PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new SqliteException(0, $"SQLite refused write-ahead-log mode for '{path}' (journal_mode is '{mode}'): use a local file system that supports shared memory.");
            }
            connection.Execute("PRAGMA synchronous=FULL");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The library's version, for example <c>3.40.1</c>.</summary>
    public static string LibraryVersion => Utf8(Sqlite3.LibVersion()) ?? "";

    /// <summary>Runs one or more statements that return no rows (schema, pragmas, BEGIN/COMMIT).</summary>
    public void Execute(string sql)
    {
        int rc = Sqlite3.Exec(Handle, sql, 0, 0, out var error);
        if (rc != Sqlite3.SQLITE_OK)
        {
            var message = Utf8(error) ?? Message(rc);
            Sqlite3.Free(error);
            throw new SqliteException(Sqlite3.ExtendedErrCode(_db), $"SQLite failed to run '{sql}': {message}.");
        }
    }

    /// <summary>Compiles <paramref name="sql"/> once; the statement lives as long as the connection and is reused.</summary>
    public SqliteStatement Prepare(string sql)
    {
        var utf8 = Encoding.UTF8.GetBytes(sql);
        nint statement;
        fixed (byte* text = utf8)
        {
            Check(Sqlite3.PrepareV2(Handle, text, utf8.Length, out statement, 0), $"prepare '{sql}'");
        }
        var prepared = new SqliteStatement(this, statement, sql);
        _statements.Add(prepared);
        return prepared;
    }

    /// <summary>Rows changed by the last INSERT, UPDATE or DELETE.</summary>
    public int Changes => Sqlite3.Changes(Handle);

    internal nint Handle => _db != 0 ? _db : throw new ObjectDisposedException(nameof(SqliteConnection));

    /// <summary>Throws a <see cref="SqliteException"/> with SQLite's message unless <paramref name="rc"/> is OK.</summary>
    internal void Check(int rc, string doing)
    {
        if (rc != Sqlite3.SQLITE_OK)
        {
            throw Failure(rc, doing);
        }
    }

    internal SqliteException Failure(int rc, string doing)
    {
        var detail = _db != 0 ? Utf8(Sqlite3.ErrMsg(_db)) : null;
        int code = _db != 0 ? Sqlite3.ExtendedErrCode(_db) : rc;
        return new SqliteException(code, $"SQLite failed to {doing}: {detail ?? Message(rc)} (code {code}).");
    }

    private string? ScalarText(string sql)
    {
        using var statement = new SqliteStatement(this, PrepareRaw(sql), sql);
        return statement.Step() ? statement.Text(0) : null;
    }

    private nint PrepareRaw(string sql)
    {
        var utf8 = Encoding.UTF8.GetBytes(sql);
        fixed (byte* text = utf8)
        {
            Check(Sqlite3.PrepareV2(Handle, text, utf8.Length, out var statement, 0), $"prepare '{sql}'");
            return statement;
        }
    }

    private static string Message(int rc) => Utf8(Sqlite3.ErrStr(rc)) ?? $"error {rc}";

    internal static string? Utf8(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>Finalizes every prepared statement, then closes the file (checkpointing the log when last to close).</summary>
    public void Dispose()
    {
        if (_db == 0)
        {
            return;
        }
        foreach (var statement in _statements)
        {
            statement.Dispose();
        }
        _statements.Clear();
        // close_v2 only fails for a handle that is not a connection; unfinalized statements defer the close instead.
        _ = Sqlite3.CloseV2(_db);
        _db = 0;
    }
}
