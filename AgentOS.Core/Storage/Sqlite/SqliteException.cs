namespace AgentOS.Storage.Sqlite;

/// <summary>A call into SQLite failed; <see cref="ResultCode"/> is its extended result code (for example 5,
/// <c>SQLITE_BUSY</c>, or 13, <c>SQLITE_FULL</c>) and the message SQLite's own text plus what was being done.</summary>
internal sealed class SqliteException(int resultCode, string message) : Exception(message)
{
    /// <summary>The extended result code; its low byte is the primary code.</summary>
    public int ResultCode { get; } = resultCode;
}
