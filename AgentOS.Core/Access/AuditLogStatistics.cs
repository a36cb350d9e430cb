namespace AgentOS.Access;

/// <summary>An audit log's files: the active file, sealed segments waiting for their archive, and archives.</summary>
/// <param name="Path">The active file, or <see langword="null"/> for an in-memory log.</param>
/// <param name="ActiveBytes">The active file's size (for memory: 0).</param>
/// <param name="UnarchivedSegments">Sealed segments not yet archived (the archiver is behind, or failing).</param>
/// <param name="UnarchivedBytes">Their size.</param>
/// <param name="Archives">Compressed archives kept.</param>
/// <param name="ArchivedBytes">Their size on disk.</param>
/// <param name="Rotations">Rotations since the log opened.</param>
/// <param name="ArchiveError">The archiver's last error, or <see langword="null"/>.</param>
public sealed record AuditLogStatistics(
    string? Path,
    long ActiveBytes,
    int UnarchivedSegments,
    long UnarchivedBytes,
    int Archives,
    long ArchivedBytes,
    long Rotations,
    string? ArchiveError = null)
{
    /// <summary>Every byte the log holds on disk.</summary>
    public long TotalBytes => ActiveBytes + UnarchivedBytes + ArchivedBytes;
}
