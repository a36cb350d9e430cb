using System.Text;
using AgentOS.Interop;

namespace AgentOS.Storage.Sqlite;

/// <summary>
/// A prepared statement, compiled once and reused: bind parameters (1-based, as in SQLite), step through rows, read
/// columns (0-based), then <see cref="Reset"/> for the next use. Owned by its <see cref="SqliteConnection"/>.
/// </summary>
internal sealed unsafe class SqliteStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _sql;
    private nint _statement;

    internal SqliteStatement(SqliteConnection connection, nint statement, string sql)
    {
        _connection = connection;
        _statement = statement;
        _sql = sql;
    }

    /// <summary>Binds bytes (copied by SQLite before this returns). An empty value binds a zero-length blob, not NULL.</summary>
    public SqliteStatement Bind(int index, ReadOnlySpan<byte> value)
    {
        byte empty = 0;
        fixed (byte* data = value)
        {
            // A null pointer would bind NULL; point at a dummy byte so an empty value stays an empty blob.
            Check(Sqlite3.BindBlob(Handle, index, data is null ? &empty : data, value.Length, Sqlite3.SQLITE_TRANSIENT), "bind a blob");
        }
        return this;
    }

    /// <summary>Binds text as UTF-8 (copied by SQLite before this returns).</summary>
    public SqliteStatement Bind(int index, string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        return BindUtf8(index, buffer[..Encoding.UTF8.GetBytes(value, buffer)]);
    }

    /// <summary>Binds bytes as TEXT, compared byte by byte under SQLite's default BINARY collation (a key range's
    /// upper bound need not be valid UTF-8).</summary>
    public SqliteStatement BindUtf8(int index, ReadOnlySpan<byte> utf8)
    {
        byte empty = 0;
        fixed (byte* text = utf8)
        {
            Check(Sqlite3.BindText(Handle, index, text is null ? &empty : text, utf8.Length, Sqlite3.SQLITE_TRANSIENT), "bind text");
        }
        return this;
    }

    /// <summary>Binds a 64-bit integer.</summary>
    public SqliteStatement Bind(int index, long value)
    {
        Check(Sqlite3.BindInt64(Handle, index, value), "bind an integer");
        return this;
    }

    /// <summary>Runs to the next row: <see langword="true"/> when a row is ready to read, <see langword="false"/> when done.</summary>
    public bool Step()
    {
        int rc = Sqlite3.Step(Handle);
        return rc switch
        {
            Sqlite3.SQLITE_ROW => true,
            Sqlite3.SQLITE_DONE => false,
            _ => throw _connection.Failure(rc, $"run '{_sql}'"),
        };
    }

    /// <summary>Runs a statement that returns no rows.</summary>
    public void Run()
    {
        try
        {
            while (Step())
            {
            }
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Rewinds the statement and clears its bindings for the next use. Never throws: a failure was already
    /// reported by <see cref="Step"/>.</summary>
    public void Reset()
    {
        // reset returns the last step's error again, which Step already threw; clear_bindings cannot fail.
        _ = Sqlite3.Reset(Handle);
        _ = Sqlite3.ClearBindings(Handle);
    }

    /// <summary>Whether column <paramref name="column"/> of the current row is NULL.</summary>
    public bool IsNull(int column) => Sqlite3.ColumnType(Handle, column) == Sqlite3.SQLITE_NULL;

    /// <summary>Column <paramref name="column"/> of the current row as an integer.</summary>
    public long Int64(int column) => Sqlite3.ColumnInt64(Handle, column);

    /// <summary>Column <paramref name="column"/> of the current row as text.</summary>
    public string Text(int column)
    {
        var text = Sqlite3.ColumnText(Handle, column);
        int length = Sqlite3.ColumnBytes(Handle, column);
        return text is null ? "" : Encoding.UTF8.GetString(text, length);
    }

    /// <summary>Column <paramref name="column"/> of the current row as a new byte array.</summary>
    public byte[] Blob(int column)
    {
        var data = Sqlite3.ColumnBlob(Handle, column);
        // ColumnBytes after ColumnBlob: the order SQLite documents, so no conversion invalidates the pointer.
        int length = Sqlite3.ColumnBytes(Handle, column);
        return data is null || length == 0 ? [] : new ReadOnlySpan<byte>(data, length).ToArray();
    }

    private nint Handle => _statement != 0 ? _statement : throw new ObjectDisposedException(nameof(SqliteStatement), _sql);

    private void Check(int rc, string doing)
    {
        if (rc != Sqlite3.SQLITE_OK)
        {
            throw _connection.Failure(rc, $"{doing} in '{_sql}'");
        }
    }

    /// <summary>Finalizes the statement.</summary>
    public void Dispose()
    {
        if (_statement != 0)
        {
            // Like reset, finalize only repeats the last step's error.
            _ = Sqlite3.Finalize(_statement);
            _statement = 0;
        }
    }
}
