using AgentOS.Scheduling;
using AgentOS.Storage;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Kernel;

/// <summary>
/// Runs storage syscalls on a backend. The storage queue hands compatible operations over together (see
/// <see cref="Compatible"/>): a run of writes becomes one <see cref="IStorageBackend.CommitAsync"/>, so the whole
/// drained batch costs one durable sync; reads run one after another.
/// </summary>
internal sealed class StorageManager(IStorageBackend backend) : SyscallExecutor
{
    /// <summary>The backend the syscalls run on.</summary>
    public IStorageBackend Backend => backend;

    /// <summary>Offered every corrupt read of a current version (the Reactor), or <see langword="null"/>: it fails.</summary>
    public IStorageReadRepair? Repair { get; set; }

    /// <summary>Writes batch with writes, reads with reads: a batch never mixes an operation with its own dependency order.</summary>
    public static bool Compatible(Syscall first, Syscall next) =>
        first.Request.Storage!.Operation == next.Request.Storage!.Operation
        && first.Request.Storage.Operation is StorageOperation.Write or StorageOperation.Read;

    protected override ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        var batch = slot.Batch;
        if (batch.Length > 1 && batch[0].Request.Storage!.Operation == StorageOperation.Write)
        {
            return CommitWritesAsync(slot, batch.ToArray());
        }
        return batch.Length == 1 ? ExecuteOneAsync(slot, batch[0]) : ExecuteEachAsync(slot, batch.ToArray());
    }

    private async ValueTask ExecuteEachAsync(ExecutionSlot<Syscall> slot, Syscall[] syscalls)
    {
        foreach (var syscall in syscalls)
        {
            await ExecuteOneAsync(slot, syscall).ConfigureAwait(false);
        }
    }

    private async ValueTask ExecuteOneAsync(ExecutionSlot<Syscall> slot, Syscall syscall)
    {
        var query = syscall.Request.Storage!;
        try
        {
            var response = await ExecuteAsync(query, syscall.Request.AgentId, syscall.CancellationToken).ConfigureAwait(false);
            syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Storage = response });
            slot.ReportService(query.Data?.Length ?? response.Data?.Length ?? 0);
        }
        catch (Exception ex) when (Translate(ex, query.Path) is { } error)
        {
            syscall.Record(error);
        }
    }

    // Every valid write of the batch goes into one commit (one sync); a write that is malformed on its own fails alone.
    private async ValueTask CommitWritesAsync(ExecutionSlot<Syscall> slot, Syscall[] syscalls)
    {
        var commit = new StorageBatch();
        var members = new List<Syscall>(syscalls.Length);
        long bytes = 0;
        foreach (var syscall in syscalls)
        {
            var query = syscall.Request.Storage!;
            try
            {
                commit.Write(query.Path, query.Data ?? throw new InvalidRequestException("A storage write needs 'data'."));
                members.Add(syscall);
                bytes += query.Data.Length;
            }
            catch (Exception ex) when (Translate(ex, query.Path) is { } error)
            {
                syscall.Record(error);
            }
        }
        if (members.Count == 0)
        {
            return;
        }
        try
        {
            var entries = await backend.CommitAsync(commit).ConfigureAwait(false);
            for (int i = 0; i < members.Count; i++)
            {
                var entry = entries[i]!;
                members[i].Record(new SyscallResponse { SyscallId = members[i].Id, Storage = new() { Version = entry.Version, Entry = entry } });
            }
            slot.ReportService(bytes);
        }
        catch (Exception ex) when (Translate(ex, members[0].Request.Storage!.Path) is { } error)
        {
            foreach (var member in members)
            {
                member.Record(error);
            }
        }
    }

    private async ValueTask<StorageResponse> ExecuteAsync(StorageQuery query, string agent, CancellationToken cancellationToken)
    {
        switch (query.Operation)
        {
            case StorageOperation.Write:
                var written = await backend.WriteAsync(query.Path, query.Data ?? throw new InvalidRequestException("A storage write needs 'data'."), cancellationToken).ConfigureAwait(false);
                return new() { Version = written.Version, Entry = written };
            case StorageOperation.Read:
                var found = await ReadAsync(query, agent, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidRequestException($"'{query.Path}' does not exist{(query.Version is { } v ? $" at version {v}" : "")}: list the folder or its versions to see what does.");
                return new() { Data = found.Data.ToArray(), Version = found.Entry.Version, Entry = found.Entry };
            case StorageOperation.Stat:
                var stat = await backend.StatAsync(query.Path, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidRequestException($"'{query.Path}' does not exist: list the folder to see what does.");
                return new() { Version = stat.Version, Entry = stat };
            case StorageOperation.List:
                return new() { Entries = await backend.ListAsync(query.Path, cancellationToken).ConfigureAwait(false) };
            case StorageOperation.Delete:
                return await backend.DeleteAsync(query.Path, cancellationToken).ConfigureAwait(false)
                    ? new() : throw new InvalidRequestException($"'{query.Path}' does not exist: nothing was deleted.");
            case StorageOperation.Versions:
                return new() { Entries = await backend.VersionsAsync(query.Path, cancellationToken).ConfigureAwait(false) };
            case StorageOperation.Rollback:
                var restored = await backend.RollbackAsync(query.Path, Target(query), cancellationToken).ConfigureAwait(false);
                return new() { Version = restored.Version, Entry = restored };
            default:
                throw new InvalidRequestException($"Unknown storage operation {query.Operation}.");
        }
    }

    // A current version that fails its checksum goes to the repair (which may serve the last good version); a version
    // asked for by number is what the caller wants, so its corruption reaches the caller.
    private async ValueTask<StorageValue?> ReadAsync(StorageQuery query, string agent, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.ReadAsync(query.Path, query.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageCorruptException corrupt) when (query.Version is null && Repair is { } repair)
        {
            return await repair.RepairAsync(backend, query.Path, corrupt, agent, cancellationToken).ConfigureAwait(false)
                ?? throw new StorageCorruptException(corrupt.Message + " No intact earlier version was found to serve.", corrupt);
        }
    }

    private static RollbackTarget Target(StorageQuery query)
    {
        int given = (query.Version is null ? 0 : 1) + (query.StepsBack is null ? 0 : 1) + (query.AsOf is null ? 0 : 1);
        if (given != 1)
        {
            throw new InvalidRequestException("A rollback needs exactly one of 'version' (a version number), 'steps_back' (1 = the previous version) or 'as_of' (a time).");
        }
        return query.Version is { } version ? RollbackTarget.ToVersion(version)
            : query.StepsBack is { } steps ? RollbackTarget.Back(steps)
            : RollbackTarget.AsOf(query.AsOf!.Value);
    }

    // Storage errors become the syscall layer's typed errors; anything else is left to the executor's catch-all.
    private static SyscallException? Translate(Exception ex, string path) => ex switch
    {
        SyscallException syscall => syscall,
        InvalidStorageKeyException or StorageNotFoundException => new InvalidRequestException(ex.Message, ex),
        ArgumentException => new InvalidRequestException($"Storage request on '{path}' is invalid: {ex.Message}", ex),
        StorageException => new BackendFailedException($"Storage failed on '{path}': {ex.Message}", ex),
        IOException or UnauthorizedAccessException => new BackendFailedException($"Storage failed on '{path}': {ex.Message}", ex),
        _ => null,
    };
}
