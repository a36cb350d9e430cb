namespace AgentOS.Memory;

/// <summary>
/// One block of an agent's chain: where its bytes are (a pool block while resident, a storage file once evicted) and
/// what it holds. Items are appended at <see cref="Used"/>; removed ones stay as dead bytes until compaction.
/// </summary>
internal sealed class MemoryBlock(long serial, AgentMemory owner)
{
    public long Serial { get; } = serial;

    public AgentMemory Owner { get; } = owner;

    /// <summary>The pool block holding the bytes, or -1 when evicted.</summary>
    public int PoolBlock { get; set; } = -1;

    public bool Resident => PoolBlock >= 0;

    /// <summary>Bytes written (live and removed records).</summary>
    public int Used { get; set; }

    public int LiveBytes { get; set; }

    public int LiveItems { get; set; }

    /// <summary>Changed since storage last had a copy.</summary>
    public bool Dirty { get; set; } = true;

    /// <summary>Storage holds a copy (current unless <see cref="Dirty"/>).</summary>
    public bool Stored { get; set; }

    /// <summary>Compressed bytes of the stored copy.</summary>
    public int StoredBytes { get; set; }

    /// <summary>A checkpoint's write of a copy of this block, in flight or not yet settled (true once stored); see
    /// BlockMemoryStore.Checkpoint.cs. Guarded by the store's gate.</summary>
    public Task<bool>? Writing { get; set; }

    /// <summary>Held by an operation in progress: not to be evicted.</summary>
    public bool Pinned { get; set; }
}
