using System.Runtime.InteropServices;

namespace AgentOS.Interop;

/// <summary>
/// The SQLite 3 C API, from the library the operating system ships: <c>libsqlite3.so.0</c> on Linux,
/// <c>winsqlite3.dll</c> on Windows (part of Windows 10 and later), <c>libsqlite3.dylib</c> on macOS. Call
/// <see cref="TryLoad"/> before any import: it finds the library once and says what to install when it is absent.
/// </summary>
/// <remarks>
/// Strings cross as UTF-8; statements and connections as opaque pointers owned by the managed wrappers in
/// <c>Storage/Sqlite</c>. Windows' <c>winsqlite3.dll</c> exports the same names with the <c>__stdcall</c> convention,
/// which is the platform default on x64 and ARM64, so one set of declarations serves all three systems.
/// </remarks>
internal static unsafe partial class Sqlite3
{
    private const string Library = "sqlite3";

    public const int SQLITE_OK = 0;
    public const int SQLITE_BUSY = 5;
    public const int SQLITE_FULL = 13;
    public const int SQLITE_CONSTRAINT = 19;
    public const int SQLITE_ROW = 100;
    public const int SQLITE_DONE = 101;

    public const int SQLITE_OPEN_READWRITE = 0x00000002;
    public const int SQLITE_OPEN_CREATE = 0x00000004;
    public const int SQLITE_OPEN_FULLMUTEX = 0x00010000;

    public const int SQLITE_NULL = 5;

    /// <summary><c>SQLITE_TRANSIENT</c>: SQLite copies bound bytes before the bind call returns, so managed buffers need
    /// no pinning beyond the call.</summary>
    public static readonly nint SQLITE_TRANSIENT = -1;

    private static readonly Lock Gate = new();
    private static string? _loadedFrom;

    /// <summary>The file names tried on this operating system, in order.</summary>
    public static IReadOnlyList<string> Candidates =>
        OperatingSystem.IsWindows() ? ["winsqlite3.dll", "sqlite3.dll"]
        : OperatingSystem.IsMacOS() ? ["libsqlite3.dylib", "/usr/lib/libsqlite3.dylib"]
        : ["libsqlite3.so.0", "libsqlite3.so"];

    /// <summary>What to install when no candidate loads, worded for this operating system.</summary>
    public static string InstallHint =>
        OperatingSystem.IsWindows() ? "winsqlite3.dll ships with Windows 10 and later; on older Windows put sqlite3.dll (sqlite.org) beside the application"
        : OperatingSystem.IsMacOS() ? "libsqlite3.dylib ships with macOS; if it was removed, install it with 'brew install sqlite'"
        : "install the SQLite 3 runtime library: 'apt-get install libsqlite3-0' (Debian, Ubuntu), 'dnf install sqlite-libs' (Fedora, RHEL) or 'apk add sqlite-libs' (Alpine)";

    /// <summary>Loads the system library once; returns the file it came from, or <see langword="null"/> when none of
    /// <see cref="Candidates"/> loads.</summary>
    public static string? TryLoad()
    {
        lock (Gate)
        {
            if (_loadedFrom is not null)
            {
                return _loadedFrom;
            }
            foreach (var name in Candidates)
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    NativeLibraries.Register(Library, handle);
                    _loadedFrom = name;
                    return name;
                }
            }
            return null;
        }
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_libversion")]
    public static partial byte* LibVersion();

    [LibraryImport(Library, EntryPoint = "sqlite3_open_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenV2(string filename, out nint db, int flags, nint vfs);

    [LibraryImport(Library, EntryPoint = "sqlite3_close_v2")]
    public static partial int CloseV2(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_errmsg")]
    public static partial byte* ErrMsg(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_extended_errcode")]
    public static partial int ExtendedErrCode(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_errstr")]
    public static partial byte* ErrStr(int code);

    [LibraryImport(Library, EntryPoint = "sqlite3_busy_timeout")]
    public static partial int BusyTimeout(nint db, int milliseconds);

    [LibraryImport(Library, EntryPoint = "sqlite3_exec", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Exec(nint db, string sql, nint callback, nint argument, out byte* errmsg);

    [LibraryImport(Library, EntryPoint = "sqlite3_free")]
    public static partial void Free(void* memory);

    [LibraryImport(Library, EntryPoint = "sqlite3_changes")]
    public static partial int Changes(nint db);

    [LibraryImport(Library, EntryPoint = "sqlite3_prepare_v2")]
    public static partial int PrepareV2(nint db, byte* sql, int bytes, out nint statement, nint tail);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_blob")]
    public static partial int BindBlob(nint statement, int index, byte* data, int bytes, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text")]
    public static partial int BindText(nint statement, int index, byte* utf8, int bytes, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    public static partial int BindInt64(nint statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_null")]
    public static partial int BindNull(nint statement, int index);

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    public static partial int Step(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    public static partial int Reset(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_clear_bindings")]
    public static partial int ClearBindings(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_finalize")]
    public static partial int Finalize(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    public static partial int ColumnType(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    public static partial long ColumnInt64(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    public static partial byte* ColumnBlob(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text")]
    public static partial byte* ColumnText(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    public static partial int ColumnBytes(nint statement, int column);
}
