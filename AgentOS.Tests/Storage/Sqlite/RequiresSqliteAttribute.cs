using AgentOS.Interop;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Storage.Sqlite;

/// <summary>Requires the system SQLite library (libsqlite3.so.0, winsqlite3.dll or libsqlite3.dylib); unmet, the reason
/// says what to install, and under AGENTOS_REQUIRE_INTEGRATION=1 the test fails instead of skipping.</summary>
public sealed class RequiresSqliteAttribute : RequiresAttribute
{
    public override string? Unmet() =>
        Sqlite3.TryLoad() is null ? $"needs the system SQLite library ({string.Join(", ", Sqlite3.Candidates)}): {Sqlite3.InstallHint}" : null;
}
