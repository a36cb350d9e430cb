namespace AgentOS.Storage.Files;

/// <summary>What a commit op does: write the next version, delete the key, or (compaction) copy a live version forward.</summary>
internal enum CommitOpKind
{
    Put,
    Delete,
    Relocate,
}

/// <summary>One op of a <see cref="Commit"/>. <see cref="From"/> is the version a relocation copies.</summary>
internal readonly record struct CommitOp(CommitOpKind Kind, string Key, ReadOnlyMemory<byte> Value)
{
    public VersionRecord From { get; init; }
}

/// <summary>
/// A unit the flusher makes durable as one frame: a write, a delete, a rollback (a write that applies only if the key's
/// current version is still <see cref="ExpectedVersion"/>), a batch, or a compaction's relocations. Its fields are
/// written by the flusher before <see cref="Done"/> completes and read by the submitter after.
/// </summary>
internal sealed class Commit(CommitOp[] ops)
{
    public CommitOp[] Ops { get; } = ops;

    public StorageEntry?[] Results { get; } = new StorageEntry?[ops.Length];

    public VersionRecord[] Staged { get; } = new VersionRecord[ops.Length];

    public int? ExpectedVersion { get; init; }

    public bool Conflicted { get; set; }

    public bool Existed { get; set; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
