using System.Text;
using AgentOS.Storage;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>
/// Storage: persistent, versioned files (AIOS's StorageQuery). Paths are relative to the kernel's storage root; the
/// agent owns <see cref="Home"/> (<c>agents/{id}/</c>) and needs grants for anything else.
/// </summary>
public sealed class StorageModule : AgentModule
{
    internal StorageModule(AgentContext context) : base(context)
    {
    }

    /// <summary>The agent's own namespace, <c>agents/{id}/</c>.</summary>
    public string Home => $"agents/{Context.AgentId}/";

    /// <summary>A path inside <see cref="Home"/>.</summary>
    public string Own(string name) => Home + name;

    /// <summary>Writes bytes as a new version; returns the version number.</summary>
    public async ValueTask<int> WriteAsync(string path, byte[] data, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Write, Path = path, Data = data }, options with { EstimatedCost = options.EstimatedCost > 0 ? options.EstimatedCost : data.Length }, cancellationToken).ConfigureAwait(false)).Version;

    /// <summary>Writes text (UTF-8) as a new version; returns the version number.</summary>
    public ValueTask<int> WriteTextAsync(string path, string text, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        WriteAsync(path, Encoding.UTF8.GetBytes(text), options, cancellationToken);

    /// <summary>Reads the current version (or <paramref name="version"/>).</summary>
    public async ValueTask<byte[]> ReadAsync(string path, int? version = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Read, Path = path, Version = version }, options, cancellationToken).ConfigureAwait(false)).Data!;

    /// <summary>Reads text (UTF-8).</summary>
    public async ValueTask<string> ReadTextAsync(string path, int? version = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await ReadAsync(path, version, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Lists files under a prefix.</summary>
    public async ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string prefix, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.List, Path = prefix }, options, cancellationToken).ConfigureAwait(false)).Entries;

    /// <summary>Deletes a file and its versions (irreversible: needs approval).</summary>
    public async ValueTask DeleteAsync(string path, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        await Run(new StorageQuery { Operation = StorageOperation.Delete, Path = path }, options, cancellationToken).ConfigureAwait(false);

    /// <summary>A file's versions, oldest first.</summary>
    public async ValueTask<IReadOnlyList<StorageEntry>> VersionsAsync(string path, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Versions, Path = path }, options, cancellationToken).ConfigureAwait(false)).Entries;

    /// <summary>A file's current metadata (size, version, time written) without its bytes.</summary>
    public async ValueTask<StorageEntry> StatAsync(string path, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Stat, Path = path }, options, cancellationToken).ConfigureAwait(false)).Entry!;

    /// <summary>Makes <paramref name="version"/> current again (by writing it as a new version); returns the new version number.</summary>
    public async ValueTask<int> RollbackAsync(string path, int version, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Rollback, Path = path, Version = version }, options, cancellationToken).ConfigureAwait(false)).Version;

    /// <summary>Makes the version <paramref name="steps"/> before the current one current again (1 = undo the last
    /// write); returns the new version number.</summary>
    public async ValueTask<int> RollbackStepsAsync(string path, int steps, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Rollback, Path = path, StepsBack = steps }, options, cancellationToken).ConfigureAwait(false)).Version;

    /// <summary>Makes the version that was current at <paramref name="time"/> current again; returns the new version number.</summary>
    public async ValueTask<int> RollbackToTimeAsync(string path, DateTimeOffset time, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new StorageQuery { Operation = StorageOperation.Rollback, Path = path, AsOf = time }, options, cancellationToken).ConfigureAwait(false)).Version;

    private async ValueTask<StorageResponse> Run(StorageQuery query, SyscallOptions options, CancellationToken cancellationToken) =>
        (await SubmitAsync(options, cancellationToken, storage: query).ConfigureAwait(false)).Storage!;
}
