using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Storage;

/// <summary>Runs storage syscalls (a batch of them per slot: the storage queue hands compatible operations over together).</summary>
internal sealed class StorageManager(IStorageBackend backend) : SyscallExecutor
{
    /// <summary>Writes batch with writes, reads with reads: a batch never mixes an operation with its own dependency order.</summary>
    public static bool Compatible(Syscall first, Syscall next) =>
        first.Request.Storage!.Operation == next.Request.Storage!.Operation
        && first.Request.Storage.Operation is StorageOperation.Write or StorageOperation.Read;

    protected override ValueTask ExecuteAsync(ExecutionSlot<Syscall> slot)
    {
        foreach (var syscall in slot.Batch)
        {
            try
            {
                syscall.Record(new SyscallResponse { SyscallId = syscall.Id, Storage = Execute(syscall.Request.Storage!) });
                slot.ReportService(syscall.Request.Storage!.Data?.Length ?? 0);
            }
            catch (Exception ex) when (ex is SyscallException or IOException or UnauthorizedAccessException)
            {
                syscall.Record(ex as SyscallException ?? new BackendFailedException($"Storage failed on '{syscall.Request.Storage!.Path}': {ex.Message}", ex));
            }
        }
        return ValueTask.CompletedTask;
    }

    private StorageResponse Execute(StorageQuery query) => query.Operation switch
    {
        StorageOperation.Write => new() { Version = backend.Write(query.Path, query.Data ?? throw new InvalidRequestException("A storage write needs 'data'.")) },
        StorageOperation.Read => backend.Read(query.Path, query.Version) is { } found
            ? new() { Data = found.Data, Version = found.Version }
            : throw new InvalidRequestException($"'{query.Path}' does not exist{(query.Version is { } v ? $" at version {v}" : "")}."),
        StorageOperation.List => new() { Entries = backend.List(query.Path) },
        StorageOperation.Delete => backend.Delete(query.Path) ? new() : throw new InvalidRequestException($"'{query.Path}' does not exist."),
        StorageOperation.Versions => new() { Entries = backend.Versions(query.Path) },
        StorageOperation.Rollback => new() { Version = backend.Rollback(query.Path, query.Version ?? throw new InvalidRequestException("A rollback needs 'version'.")) },
        _ => throw new InvalidRequestException($"Unknown storage operation {query.Operation}."),
    };
}
