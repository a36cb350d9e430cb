namespace AgentOS.Storage.Files;

/// <summary>How a <see cref="FileStore"/> behaves.</summary>
public sealed class FileStoreOptions
{
    /// <summary>Versions kept per key; older ones are dropped (and their space reclaimed by compaction). Default 20, as AIOS.</summary>
    public int VersionsKept { get; set; } = 20;

    /// <summary>Concurrent writes and batches share one sync (default). Off, every commit gets its own sync: the
    /// baseline the group commit is measured against.</summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>A segment file is sealed and a new one started past this size. Default 64 MiB.</summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Compaction starts when at least this share of the sealed segments' bytes is dead. Default 0.5.</summary>
    public double CompactionDeadRatio { get; set; } = 0.5;

    /// <summary>The clock that stamps each version's time written. Default the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VersionsKept, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 4096);
        if (!(CompactionDeadRatio is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionDeadRatio), CompactionDeadRatio, "Use a share between 0 (exclusive) and 1.");
        }
        ArgumentNullException.ThrowIfNull(Time);
    }
}
