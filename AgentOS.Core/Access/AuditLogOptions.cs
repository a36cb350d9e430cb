namespace AgentOS.Access;

/// <summary>How an <see cref="AuditLog"/> batches allowed decisions.</summary>
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

    /// <summary>For an in-memory log, how many records it keeps (the oldest go first). Default 100,000.</summary>
    public int MemoryRetention { get; init; } = 100_000;

    /// <summary>The clock the flush interval runs on. Default <see cref="TimeProvider.System"/>.</summary>
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
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
