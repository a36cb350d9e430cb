namespace AgentOS.Storage;

/// <summary>
/// The storage manager's seam for repairing a corrupt read: a read of a key's current version that failed its
/// checksum is offered here before the caller sees the error, and may be answered with the last good version. The
/// kernel's Reactor implements it (its storage corruption playbook).
/// </summary>
public interface IStorageReadRepair
{
    /// <summary>Repairs <paramref name="key"/> on <paramref name="backend"/> and returns the value to serve, or
    /// <see langword="null"/> to let the read fail with <paramref name="corruption"/>.</summary>
    /// <param name="backend">The backend the read ran on.</param>
    /// <param name="key">The key whose current version is corrupt.</param>
    /// <param name="corruption">What the backend found.</param>
    /// <param name="reader">Who read it (an agent's id), for the report.</param>
    /// <param name="cancellationToken">The read's cancellation.</param>
    ValueTask<StorageValue?> RepairAsync(IStorageBackend backend, string key, StorageCorruptException corruption, string reader, CancellationToken cancellationToken);
}
