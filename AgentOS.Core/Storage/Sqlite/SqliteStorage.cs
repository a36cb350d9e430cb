using System.Text;
using AgentOS.Formats;
using AgentOS.Interop;

namespace AgentOS.Storage.Sqlite;

/// <summary>
/// A storage backend in one SQLite database file, through the operating system's SQLite library: one row per kept
/// version, write-ahead log with <c>synchronous=FULL</c> (a change is acknowledged once its log frames are synced, so
/// it survives a power loss), one transaction per write and one per batch (a batch costs one sync). Statements are
/// prepared once and reused.
/// </summary>
/// <remarks>
/// One connection serves every caller under a lock: SQLite serializes writers anyway, and a reused statement must not
/// be shared between threads mid-step. Operations complete synchronously on the caller's thread (the storage queue
/// runs them on its execution slots).
/// </remarks>
public sealed partial class SqliteStorage : IStorageBackend
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly int _versionsKept;
    private readonly TimeProvider _time;
    private SqliteConnection? _db;
    private readonly Statements _sql;

    /// <summary>Opens (creating if needed) the database file <paramref name="path"/>, keeping the newest
    /// <paramref name="versionsKept"/> versions of each key.</summary>
    /// <exception cref="StorageUnavailableException">The system SQLite library is absent (the message says what to
    /// install), or the file cannot be opened as a database.</exception>
    public SqliteStorage(string path, int versionsKept = 20, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(versionsKept, 1);
        _path = Path.GetFullPath(path);
        _versionsKept = versionsKept;
        _time = time ?? TimeProvider.System;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            _db = SqliteConnection.Open(_path);
            UpgradeFormat(_db, _path, beforeSchema: true);
            _db.Execute(Schema);
            UpgradeFormat(_db, _path, beforeSchema: false);
            _sql = new Statements(_db);
        }
        catch (FormatVersionException)
        {
            _db?.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is DllNotFoundException or SqliteException or IOException or UnauthorizedAccessException)
        {
            _db?.Dispose();
            throw new StorageUnavailableException($"The SQLite store at '{_path}' cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>Whether the system SQLite library loads here; when not, <see cref="InstallHint"/> says what to install.</summary>
    public static bool IsAvailable => Sqlite3.TryLoad() is not null;

    /// <summary>What to install for <see cref="IsAvailable"/> to hold, worded for this operating system.</summary>
    public static string InstallHint => Sqlite3.InstallHint;

    /// <inheritdoc />
    public string Name => "sqlite";

    // Written is UTC ticks. The unique index is the lookup path for every operation; rows carry their bytes.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS versions(
            key TEXT NOT NULL,
            version INTEGER NOT NULL,
            size INTEGER NOT NULL,
            written INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS versions_by_key ON versions(key, version);
        """;

    /// <inheritdoc />
    public ValueTask<StorageEntry> WriteAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(InTransaction(key, () => Insert(key, value.Span)));
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageValue?> ReadAsync(string key, int? version = null, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            var select = version is { } v ? _sql.ReadVersion.Bind(1, key).Bind(2, v) : _sql.ReadCurrent.Bind(1, key);
            try
            {
                return ValueTask.FromResult<StorageValue?>(Guard(key, () =>
                    select.Step() ? new StorageValue(EntryFrom(select, key), select.Blob(3)) : (StorageValue?)null));
            }
            finally
            {
                select.Reset();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry?> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(Current(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalidPrefix(prefix);
        lock (_gate)
        {
            ThrowIfDisposed();
            var lower = Encoding.UTF8.GetBytes(prefix);
            var upper = UpperBound(lower);
            var select = upper is null ? _sql.ListAll : _sql.ListRange.BindUtf8(1, lower).BindUtf8(2, upper);
            var entries = Rows(prefix, select, s => EntryFrom(s, s.Text(0), column: 1));
            // The byte range holds every key that starts with the prefix's characters; a namespace ends at a
            // segment ("a/b" must not list "a/b2/x").
            entries.RemoveAll(e => !StorageKey.IsUnder(e.Path, prefix));
            // SQLite orders by UTF-8 bytes, .NET ordinal by UTF-16 units; they differ for characters beyond U+FFFF
            // against U+E000..U+FFFF, so the contract's order is restored here.
            entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return ValueTask.FromResult<IReadOnlyList<StorageEntry>>(entries);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult(InTransaction(key, () => Remove(key)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult<IReadOnlyList<StorageEntry>>(Versions(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<StorageEntry> RollbackAsync(string key, RollbackTarget target, CancellationToken cancellationToken = default)
    {
        StorageKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var chosen = target.Resolve(key, Versions(key));
            var read = _sql.ReadVersion.Bind(1, key).Bind(2, chosen.Version);
            byte[] data;
            try
            {
                data = Guard(key, () => read.Step() ? read.Blob(3) : throw new StorageCorruptException($"'{StorageKey.Escape(key)}' version {chosen.Version} is listed but its row is gone: the database at '{_path}' is inconsistent; restore it from a backup."));
            }
            finally
            {
                read.Reset();
            }
            return ValueTask.FromResult(InTransaction(key, () => Insert(key, data)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StorageEntry?>> CommitAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<StorageEntry?>>([]);
        }
        lock (_gate)
        {
            ThrowIfDisposed();
            return ValueTask.FromResult<IReadOnlyList<StorageEntry?>>(InTransaction(batch.Operations[0].Key, () =>
            {
                var results = new StorageEntry?[batch.Count];
                for (int i = 0; i < batch.Count; i++)
                {
                    var op = batch.Operations[i];
                    if (op.Kind == StorageBatchOperationKind.Write)
                    {
                        results[i] = Insert(op.Key, op.Value.Span);
                    }
                    else
                    {
                        Remove(op.Key);
                    }
                }
                return results;
            }));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _db?.Dispose();
            _db = null;
        }
        return ValueTask.CompletedTask;
    }
}
