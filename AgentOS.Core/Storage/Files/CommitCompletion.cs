namespace AgentOS.Storage.Files;

/// <summary>
/// Acknowledges up to <see cref="Capacity"/> commits of one synced group from one thread-pool work item, running the
/// single writers' continuations there one after another.
/// </summary>
/// <remarks>
/// Before, the flusher completed each commit with its own thread-pool hop: 64 writers meant 64 work items per sync,
/// and every one of them could wake another pool thread that then spun looking for more (on a fast disk, most of the
/// CPU per write). Now a group costs one work item per <see cref="Capacity"/> commits. Single writes
/// (<see cref="Commit.Pooled"/>) resume inline here; other commits (batches, deletes, compaction) still get their own
/// hop, as before. Still never on the flusher: a writer's code must not delay everyone's next sync. The price: a writer
/// whose continuation blocks delays the writers after it in the same work item (at most <see cref="Capacity"/> - 1),
/// as any code that blocks a pool thread delays the work queued behind it.
/// </remarks>
internal sealed class CommitCompletion(Stack<CommitCompletion> free) : IThreadPoolWorkItem
{
    /// <summary>Commits per work item: two for a group of 64, so two cores can resume them in parallel.</summary>
    public const int Capacity = 32;

    private readonly Commit?[] _commits = new Commit?[Capacity];
    private int _count;
    private Exception? _failure;

    public bool IsFull => _count == Capacity;

    public void Add(Commit commit) => _commits[_count++] = commit;

    /// <summary>Queues the acknowledgement (or, with <paramref name="failure"/>, the failure) of the commits added.</summary>
    public void Start(Exception? failure)
    {
        _failure = failure;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        int count = _count;
        var failure = _failure;
        for (int i = 0; i < count; i++)
        {
            var commit = _commits[i]!;
            _commits[i] = null;
            if (failure is null)
            {
                commit.Complete();
            }
            else
            {
                commit.Fail(new StorageFailedException($"The commit was not made durable: {failure.Message}. Nothing of it was acknowledged; retry on a reopened store.", failure));
            }
        }
        _count = 0;
        _failure = null;
        lock (free)
        {
            free.Push(this);
        }
    }
}
