using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using AgentOS.Computer.Sandbox;
using AgentOS.Storage;
using AgentOS.Syscalls.Errors;
using AgentOS.Tools;

namespace AgentOS.Computer.Sessions;

public sealed partial class SessionManager
{
    /// <summary>Where an agent's workspace snapshots are kept in storage: <c>computer/snapshots/{agent}/{name}</c>,
    /// outside every agent's own namespace, so an agent cannot forge a snapshot through storage syscalls.</summary>
    public static string SnapshotKey(string agentId, string name) => $"computer/snapshots/{agentId}/{name}";

    /// <summary>
    /// Saves the session's workspace as a tar in storage, as the next version of the snapshot <paramref name="name"/>
    /// (every earlier version is kept as the storage backend keeps versions). The session's processes are stopped
    /// while it is read. Symlinks are stored as links, never followed.
    /// </summary>
    /// <returns>The snapshot's storage entry (its version number names it for a later restore).</returns>
    /// <exception cref="InvalidRequestException">No such session, a bad name, a command running, or no storage.</exception>
    public async Task<StorageEntry> SnapshotAsync(string agentId, string sessionId, string name, CancellationToken cancellationToken = default)
    {
        var session = Get(agentId, sessionId);
        var storage = RequireStorage();
        var key = ValidKey(agentId, name);
        if (session.Busy)
        {
            throw new InvalidRequestException($"A command is running in {sessionId}: wait for it or interrupt it before a snapshot.");
        }
        var tar = new MemoryStream();
        using (Freeze(session))
        {
            TarFile.CreateFromDirectory(session.WorkspaceHostPath, tar, includeBaseDirectory: false);
        }
        return await storage.WriteAsync(key, tar.GetBuffer().AsMemory(0, (int)tar.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the session's workspace with the snapshot <paramref name="name"/> (its current version, or
    /// <paramref name="version"/> to roll back to an earlier one). The running shell keeps its variables; its
    /// working folder is the workspace again if it had been removed.
    /// </summary>
    /// <exception cref="InvalidRequestException">No such session or snapshot version, a command running, or no storage.</exception>
    public async Task<StorageEntry> RestoreAsync(string agentId, string sessionId, string name, int? version = null, CancellationToken cancellationToken = default)
    {
        var session = Get(agentId, sessionId);
        var storage = RequireStorage();
        var key = ValidKey(agentId, name);
        if (session.Busy)
        {
            throw new InvalidRequestException($"A command is running in {sessionId}: wait for it or interrupt it before a restore.");
        }
        var value = await storage.ReadAsync(key, version, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidRequestException($"Agent '{agentId}' has no snapshot '{name}'{(version is int v ? $" version {v}" : "")}: list versions with session.snapshot's results, or snapshot first.");
        using (Freeze(session))
        {
            var root = new DirectoryInfo(session.WorkspaceHostPath);
            foreach (var entry in root.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir && dir.LinkTarget is null)
                {
                    dir.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            using var stream = new MemoryStream(value.Data.ToArray(), writable: false);
            TarFile.ExtractToDirectory(stream, root.FullName, overwriteFiles: true);
            if (session.Isolated && OperatingSystem.IsLinux())
            {
                int uid = session.Instance.HostUserId;
                foreach (var path in Directory.EnumerateFileSystemEntries(root.FullName, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                {
                    Interop.Libc.LChown(path, uid, uid);
                }
            }
        }
        return value.Entry;
    }

    /// <summary>The kept versions of a snapshot, oldest first.</summary>
    public async Task<IReadOnlyList<StorageEntry>> SnapshotVersionsAsync(string agentId, string name, CancellationToken cancellationToken = default) =>
        await RequireStorage().VersionsAsync(ValidKey(agentId, name), cancellationToken).ConfigureAwait(false);

    private void RegisterSnapshotTools(ToolRegistry registry)
    {
        registry.Register(new ToolDefinition
        {
            Name = "session.snapshot",
            Description = "Saves your session's workspace into the kernel's storage as the next version of snapshot `name` (default \"workspace\"); earlier versions stay, so you can roll back.",
            ParametersSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"name":{"type":"string","description":"letters, digits, '-', '_', '.'; default workspace"}},"required":["session_id"]}"""),
            MaxConcurrency = 4,
            Run = async (caller, args, ct) =>
            {
                var id = RequiredString(args, "session_id");
                var name = OptionalString(args, "name") ?? "workspace";
                var entry = await SnapshotAsync(caller.AgentId, id, name, ct).ConfigureAwait(false);
                return new ToolOutput(string.Create(CultureInfo.InvariantCulture, $"Snapshot '{name}' version {entry.Version} saved ({entry.Size} bytes)."))
                {
                    Structured = Json(w => { w.WriteString("name", name); w.WriteNumber("version", entry.Version); w.WriteNumber("bytes", entry.Size); }),
                };
            },
        });
        registry.Register(new ToolDefinition
        {
            Name = "session.restore",
            Description = "Replaces your session's workspace with snapshot `name` (default \"workspace\"): its latest version, or `version` to roll back to an earlier one.",
            ParametersSchema = Schema("""{"type":"object","properties":{"session_id":{"type":"string"},"name":{"type":"string"},"version":{"type":"integer","minimum":1}},"required":["session_id"]}"""),
            MaxConcurrency = 4,
            Run = async (caller, args, ct) =>
            {
                var id = RequiredString(args, "session_id");
                var name = OptionalString(args, "name") ?? "workspace";
                long? version = OptionalInteger(args, "version");
                var entry = await RestoreAsync(caller.AgentId, id, name, version is long v ? checked((int)v) : null, ct).ConfigureAwait(false);
                return new ToolOutput(string.Create(CultureInfo.InvariantCulture, $"Workspace of {id} restored from snapshot '{name}' version {entry.Version}."));
            },
        });
    }

    private IStorageBackend RequireStorage() =>
        _storage ?? throw new InvalidRequestException("This kernel's session manager has no storage: snapshots are unavailable.");

    private static string ValidKey(string agentId, string name)
    {
        var key = SnapshotKey(agentId, name);
        if (name.Contains('/', StringComparison.Ordinal) || !StorageKey.TryParse(key, out _, out var error))
        {
            throw new InvalidRequestException($"'{name}' is not a valid snapshot name: use letters, digits, '-', '_' and '.' (no '/').");
        }
        _ = error;
        return key;
    }

    private static ProcessFreeze? Freeze(ComputerSession session) =>
        OperatingSystem.IsLinux() && session.Isolated ? new ProcessFreeze(session.Instance.HostUserId) : null;

    internal static string? OptionalString(JsonElement args, string name) =>
        args.ValueKind == JsonValueKind.Object && args.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new InvalidRequestException($"Argument '{name}' must be a string.")
            : null;
}
