namespace AgentOS.Memory;

/// <summary>How a <see cref="BlockMemoryStore"/> allocates, limits, evicts and ranks. Get/set properties so the JSON
/// source generator round-trips them; unknown keys in the config file are errors.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed class MemoryStoreOptions
{
    /// <summary>Bytes per block (default 64 KiB); an item (its text, tags and 31 bytes of header) must fit in one.</summary>
    public int BlockSize { get; set; } = 64 * 1024;

    /// <summary>Blocks carved from each pooled slab (default 64: 4 MiB slabs).</summary>
    public int BlocksPerSlab { get; set; } = 64;

    /// <summary>Resident bytes (whole blocks) allowed across all agents (default 256 MiB).</summary>
    public long GlobalLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The fraction of <see cref="GlobalLimitBytes"/> above which blocks are evicted (default 0.8).</summary>
    public double HighWaterMark { get; set; } = 0.8;

    /// <summary>Bytes of items one agent may hold (default 64 MiB).</summary>
    public long AgentQuotaBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>What happens when an agent would exceed its quota: <see cref="MemoryOverQuota.Reject"/> (default) or
    /// <see cref="MemoryOverQuota.Evict"/> (the quota then bounds the agent's resident bytes; the rest is swapped).</summary>
    public MemoryOverQuota OverQuota { get; set; } = MemoryOverQuota.Reject;

    /// <summary>Whether blocks may be evicted to storage at all; without it, the global limit is a hard limit.</summary>
    public bool Eviction { get; set; } = true;

    /// <summary>LRU-K's K (default 2).</summary>
    public int LruK { get; set; } = 2;

    /// <summary>A block (not an agent's last) whose live bytes fall below this fraction is compacted into the agent's
    /// last block (default 0.25).</summary>
    public double CompactBelow { get; set; } = 0.25;

    /// <summary>BM25's term-frequency saturation (default 1.2).</summary>
    public double K1 { get; set; } = 1.2;

    /// <summary>BM25's length normalization (default 0.75).</summary>
    public double B { get; set; } = 0.75;

    /// <summary>Reciprocal rank fusion's constant k for hybrid ranking (default 60).</summary>
    public int FusionK { get; set; } = 60;

    /// <summary>Texts sent to the embedder in one request at most (default 256; OpenAI accepts 2,048, some
    /// self-hosted servers fewer).</summary>
    public int EmbedBatchSize { get; set; } = 256;

    /// <summary>Logged changes after which the store checkpoints (stores its changed blocks and drops the log they
    /// cover; default 16,384). Lower: faster reopening, more block writes.</summary>
    public int CheckpointEntries { get; set; } = 16_384;

    /// <summary>The storage folder under which evicted blocks live (default <c>memory</c>); the log lives beside it,
    /// under the same name followed by <c>-log</c>.</summary>
    public string StoragePrefix { get; set; } = "memory";

    internal void Validate()
    {
        if (BlockSize < 1024 || BlocksPerSlab < 1 || GlobalLimitBytes < BlockSize || AgentQuotaBytes < 1 ||
            HighWaterMark is <= 0 or > 1 || LruK < 1 || CompactBelow is < 0 or >= 1 || K1 < 0 || B is < 0 or > 1 || FusionK < 1 || EmbedBatchSize < 1 || CheckpointEntries < 1)
        {
            throw new ArgumentException(
                "Memory options out of range: block_size >= 1024, blocks_per_slab >= 1, global_limit_bytes >= block_size, agent_quota_bytes >= 1, " +
                "0 < high_water_mark <= 1, lru_k >= 1, 0 <= compact_below < 1, k1 >= 0, 0 <= b <= 1, fusion_k >= 1, embed_batch_size >= 1, checkpoint_entries >= 1.");
        }
    }
}
