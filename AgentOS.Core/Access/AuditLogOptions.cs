namespace AgentOS.Access;

/// <summary>How an <see cref="AuditLog"/> batches allowed decisions, and how a file log rotates, archives and retains
/// its files.</summary>
/// <remarks>
/// <para><b>Rotation.</b> After a commit, the active file is sealed once it holds <see cref="MaxFileBytes"/> or is
/// <see cref="MaxFileAge"/> old (on <see cref="TimeProvider"/>), and a new one starts. A sealed segment is compressed
/// (gzip) into an archive beside it, which is fsynced and renamed into place before the segment is deleted.</para>
/// <para><b>Retention guarantees.</b> Only archives are ever deleted: never the active file, and never a sealed
/// segment before its archive is durable. An archive holding a denial or an approval is never deleted for the count,
/// only once older than <see cref="DurableArchiveRetention"/> (default: never). Other archives go once older than
/// <see cref="ArchiveRetention"/>, or oldest first while more than <see cref="MaxArchives"/> of them remain. So disk
/// use is bounded for allowed decisions; denials and approvals are kept until you choose an age for them.</para>
/// </remarks>
public sealed class AuditLogOptions
{
    /// <summary>The longest an allowed decision waits before its batch is written and flushed to disk. Default 50 ms.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A batch is written as soon as this many allowed decisions wait, without waiting for the interval.
    /// Default 1024.</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>The most allowed decisions that can wait (a power of two). When the queue is full, further allowed
    /// decisions are counted in <see cref="AuditLog.AllowedDropped"/> and a <see cref="AuditDecision.Gap"/> record
    /// marks the loss; the syscall path never waits on disk. Default 16384.</summary>
    public int Capacity { get; init; } = 16384;

    /// <summary>Whether allowed decisions drained in one batch that differ only in their time (same agent, resource,
    /// operation, target and acting principal) are written as one record with their <see cref="AuditRecord.Count"/>,
    /// first and last time and summed tokens. On by default: at a million syscalls a second, one line per allowed
    /// decision costs the syscall path more in serialization, writes and compression than everything else it does.
    /// Denials, approvals and every other durable record are always written one by one.</summary>
    public bool CoalesceAllowed { get; init; } = true;

    /// <summary>For an in-memory log, how many records it keeps (the oldest go first). Default 100,000.</summary>
    public int MemoryRetention { get; init; } = 100_000;

    /// <summary>A file log seals its active file and starts a new one after a commit that leaves it at least this
    /// large. Default 64 MiB.</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// <summary>A file log seals its active file at the first commit after the file is this old. Default one day.</summary>
    public TimeSpan MaxFileAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The most archives without denials or approvals kept (the oldest go first). Default 100.</summary>
    public int MaxArchives { get; init; } = 100;

    /// <summary>Archives without denials or approvals are deleted once older than this. Default 90 days.</summary>
    public TimeSpan ArchiveRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Archives holding a denial or an approval are deleted once older than this; <see langword="null"/>
    /// (the default) keeps them for ever.</summary>
    public TimeSpan? DurableArchiveRetention { get; init; }

    /// <summary>Test hook: called at each step of rotation and archiving with the step's name; a test simulates a
    /// crash there by throwing (and throwing for every later step).</summary>
    internal Action<string>? FaultInjection { get; init; }

    /// <summary>The clock the flush interval, file age and archive ages run on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (FlushInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "The flush interval must be positive: it bounds how long an allowed decision waits to be written.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (Capacity < 2 || !System.Numerics.BitOperations.IsPow2(Capacity) || Capacity > 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "The capacity must be a power of two between 2 and 2^24.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryRetention, 1, nameof(MemoryRetention));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1024L, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxArchives, 1, nameof(MaxArchives));
        if (MaxFileAge <= TimeSpan.Zero || ArchiveRetention <= TimeSpan.Zero || DurableArchiveRetention <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileAge), "MaxFileAge, ArchiveRetention and DurableArchiveRetention must be positive (leave DurableArchiveRetention null to keep denials and approvals for ever).");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
