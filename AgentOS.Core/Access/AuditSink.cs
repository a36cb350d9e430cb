namespace AgentOS.Access;

/// <summary>Where an <see cref="AuditLog"/>'s writer thread puts records: a JSON-lines file or memory. Only the writer
/// thread appends and commits; <see cref="ReadAll"/> may run on any thread.</summary>
internal abstract class AuditSink : IDisposable
{
    /// <summary>The file, or <see langword="null"/> for memory.</summary>
    public abstract string? Path { get; }

    /// <summary>Writes records (they may sit in OS buffers until <see cref="Commit"/>).</summary>
    public abstract void Append(ReadOnlySpan<AuditRecord> records);

    /// <summary>Makes everything appended durable (fsync for a file).</summary>
    public abstract void Commit();

    /// <summary>Called by the writer after a commit whose callers were told: a file sink rotates here.</summary>
    public virtual void AfterCommit()
    {
    }

    /// <summary>Every record committed so far (what a crash would leave).</summary>
    public abstract IReadOnlyList<AuditRecord> ReadAll();

    /// <summary>The sink's size on disk.</summary>
    public abstract AuditLogStatistics Statistics();

    /// <inheritdoc />
    public abstract void Dispose();
}
