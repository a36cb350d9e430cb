namespace AgentOS.Storage.Sqlite;

/// <content>Statements, transactions and row reading. Every member runs under <c>_gate</c>.</content>
public sealed partial class SqliteStorage
{
    /// <summary>The prepared statements, compiled once per connection.</summary>
    private sealed class Statements(SqliteConnection db)
    {
        public readonly SqliteStatement Begin = db.Prepare("BEGIN IMMEDIATE");
        public readonly SqliteStatement Commit = db.Prepare("COMMIT");
        public readonly SqliteStatement Rollback = db.Prepare("ROLLBACK");
        public readonly SqliteStatement ReadCurrent = db.Prepare("SELECT version, size, written, data FROM versions WHERE key = ?1 ORDER BY version DESC LIMIT 1");
        public readonly SqliteStatement ReadVersion = db.Prepare("SELECT version, size, written, data FROM versions WHERE key = ?1 AND version = ?2");
        public readonly SqliteStatement Stat = db.Prepare("SELECT version, size, written FROM versions WHERE key = ?1 ORDER BY version DESC LIMIT 1");
        public readonly SqliteStatement Versions = db.Prepare("SELECT version, size, written FROM versions WHERE key = ?1 ORDER BY version");
        public readonly SqliteStatement Insert = db.Prepare("INSERT INTO versions(key, version, size, written, data) VALUES(?1, ?2, ?3, ?4, ?5)");
        public readonly SqliteStatement Prune = db.Prepare("DELETE FROM versions WHERE key = ?1 AND version <= ?2");
        public readonly SqliteStatement Delete = db.Prepare("DELETE FROM versions WHERE key = ?1");
        // The newest version per key: SQLite returns the row holding max(version) for the bare columns of a max() query.
        public readonly SqliteStatement ListAll = db.Prepare("SELECT key, max(version), size, written FROM versions GROUP BY key ORDER BY key");
        public readonly SqliteStatement ListRange = db.Prepare("SELECT key, max(version), size, written FROM versions WHERE key >= ?1 AND key < ?2 GROUP BY key ORDER BY key");
    }

    /// <summary>Runs <paramref name="change"/> in one IMMEDIATE transaction (one sync at COMMIT); rolls back on failure.</summary>
    private T InTransaction<T>(string key, Func<T> change) => Guard(key, () =>
    {
        _sql.Begin.Run();
        try
        {
            var result = change();
            _sql.Commit.Run();
            return result;
        }
        catch
        {
            // A failed COMMIT may already have rolled back; a second rollback then fails harmlessly with "no transaction".
            try
            {
                _sql.Rollback.Run();
            }
            catch (SqliteException)
            {
            }
            throw;
        }
    });

    /// <summary>Maps SQLite's failures to the storage errors, and a disposed store to unavailable.</summary>
    private T Guard<T>(string key, Func<T> action)
    {
        ThrowIfDisposed();
        try
        {
            return action();
        }
        catch (SqliteException ex)
        {
            throw (ex.ResultCode & 0xFF) switch
            {
                11 or 26 => new StorageCorruptException($"The SQLite store at '{_path}' is damaged ({ex.Message}) while working on '{StorageKey.Escape(key)}': restore it from a backup or run 'PRAGMA integrity_check'."),
                _ => new StorageFailedException($"The SQLite store at '{_path}' failed on '{StorageKey.Escape(key)}': {ex.Message} Nothing of this operation was committed; retry, and check free disk space if it persists.", ex),
            };
        }
    }

    private void ThrowIfDisposed()
    {
        if (_db is null)
        {
            throw new StorageUnavailableException($"The SQLite store at '{_path}' was disposed: open a new one.");
        }
    }

    private StorageEntry Insert(string key, ReadOnlySpan<byte> data)
    {
        int version = (Current(key)?.Version ?? 0) + 1;
        var written = _time.GetUtcNow();
        _sql.Insert.Bind(1, key).Bind(2, version).Bind(3, data.Length).Bind(4, written.UtcTicks).Bind(5, data).Run();
        if (version > _versionsKept)
        {
            _sql.Prune.Bind(1, key).Bind(2, version - _versionsKept).Run();
        }
        return new StorageEntry(key, data.Length, version, new DateTimeOffset(written.UtcTicks, TimeSpan.Zero));
    }

    private bool Remove(string key)
    {
        _sql.Delete.Bind(1, key).Run();
        return _db!.Changes > 0;
    }

    private StorageEntry? Current(string key)
    {
        var list = Rows(key, _sql.Stat.Bind(1, key), s => EntryFrom(s, key));
        return list.Count > 0 ? list[0] : null;
    }

    private List<StorageEntry> Versions(string key) => Rows(key, _sql.Versions.Bind(1, key), s => EntryFrom(s, key));

    private List<StorageEntry> Rows(string key, SqliteStatement select, Func<SqliteStatement, StorageEntry> read)
    {
        try
        {
            return Guard(key, () =>
            {
                var rows = new List<StorageEntry>();
                while (select.Step())
                {
                    rows.Add(read(select));
                }
                return rows;
            });
        }
        finally
        {
            select.Reset();
        }
    }

    /// <summary>An entry from a row holding version, size and written from column <paramref name="column"/> on.</summary>
    private static StorageEntry EntryFrom(SqliteStatement row, string key, int column = 0) =>
        new(key, row.Int64(column + 1), checked((int)row.Int64(column)), new DateTimeOffset(row.Int64(column + 2), TimeSpan.Zero));

    /// <summary>The smallest byte string above every string that starts with <paramref name="prefix"/>; none for the
    /// empty prefix. Valid UTF-8 never holds 0xFF, so incrementing the last byte cannot overflow.</summary>
    private static byte[]? UpperBound(byte[] prefix)
    {
        if (prefix.Length == 0)
        {
            return null;
        }
        var upper = (byte[])prefix.Clone();
        upper[^1]++;
        return upper;
    }
}
