namespace AgentOS.Memory;

/// <summary>One agent's memory: its chain of blocks, where each item is, its search indexes, and its counters. Guarded
/// by the store's gate; the counters are read without it for monitoring.</summary>
internal sealed class AgentMemory(string owner)
{
    public string Owner { get; } = owner;

    /// <summary>Serializes this agent's adds on the gate's shared side (see <see cref="MemoryGate"/>).</summary>
    public Lock Sync { get; } = new();

    public List<MemoryBlock> Blocks { get; } = [];

    public MemoryBlock? Tail => Blocks.Count == 0 ? null : Blocks[^1];

    public ItemTable Items { get; } = new();

    public Bm25Index Lexical { get; } = new();

    public VectorIndex? Vectors { get; set; }

    // Items added (or reloaded at open) since the indexes last caught up; the next search absorbs them.
    public PendingIds Pending { get; } = new();

    // The run of ids this agent issues from, without a log (see BlockMemoryStore.TakeId): next, and the end.
    public long NextId;
    public long IdLimit;

    public int ItemCount;
    public long LiveBytes;
    public int ResidentBlocks;
    public long EvictedBytes;
    public long Hits;
    // Hits counted by shared adds, which leave the store's own counter alone (summed into it when read).
    public long SharedHits;
    public long Misses;
    public long Evictions;
    public long QuotaRejections;

    public void MarkPending(long id) => Pending.Add(id);
}
