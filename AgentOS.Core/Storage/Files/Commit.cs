using System.Threading.Tasks.Sources;

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
/// written by the flusher before it completes the commit and read by the submitter after awaiting it.
/// </summary>
/// <remarks>
/// The commit is its own awaitable (an <see cref="IValueTaskSource"/>), so a write allocates no task and no completion
/// source. Single writes, the hot path, reuse their commit: <see cref="RentPut"/> takes this thread's cached one and
/// <see cref="Return"/> puts it back once the writer has read its result. A writer's continuation returns the commit
/// and, on the same thread, usually rents it again for its next write, so a one-slot thread-static cache serves
/// nearly every write without any shared pool to contend on. Continuations always run on the thread pool, never on
/// the flusher: a writer's code must not delay everyone's next sync. A pooled commit's continuation runs inline where
/// it is completed, which is a <see cref="CommitCompletion"/> work item on the pool (one hop per group, not per
/// write); any other commit's is queued to the pool on its own.
/// </remarks>
internal sealed class Commit(CommitOp[] ops) : IValueTaskSource
{
    [ThreadStatic]
    private static Commit? t_cached;

    /// <summary>A single put from <see cref="RentPut"/>: its writer resumes, reads the result and returns it.</summary>
    public bool Pooled { get; }
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    private Commit(string key, ReadOnlyMemory<byte> value)
        : this([new CommitOp(CommitOpKind.Put, key, value)])
    {
        Pooled = true;
        _core.RunContinuationsAsynchronously = false;
    }

    public CommitOp[] Ops { get; } = ops;

    public StorageEntry?[] Results { get; } = new StorageEntry?[ops.Length];

    public VersionRecord[] Staged { get; } = new VersionRecord[ops.Length];

    public int? ExpectedVersion { get; init; }

    public bool Conflicted { get; set; }

    public bool Existed { get; set; }

    /// <summary>A single put, reusing this thread's cached commit when there is one.</summary>
    public static Commit RentPut(string key, ReadOnlyMemory<byte> value)
    {
        var commit = t_cached;
        if (commit is null)
        {
            return new Commit(key, value);
        }
        t_cached = null;
        commit.Ops[0] = new CommitOp(CommitOpKind.Put, key, value);
        return commit;
    }

    /// <summary>Gives a commit from <see cref="RentPut"/> back once its result was read (and only then: its result
    /// slots are cleared and it may serve another write at once).</summary>
    public void Return()
    {
        if (!Pooled)
        {
            return;
        }
        // Forget the caller's key and buffer so the cache keeps nothing alive.
        Ops[0] = default;
        Results[0] = null;
        Staged[0] = default;
        Conflicted = false;
        Existed = false;
        _core.Reset();
        t_cached = this;
    }

    /// <summary>What the submitter awaits: completes once the flusher synced the commit (or failed).</summary>
    public ValueTask AsValueTask() => new(this, _core.Version);

    public void Complete() => _core.SetResult(true);

    public void Fail(Exception error) => _core.SetException(error);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
