namespace AgentOS.Memory;

/// <summary>One agent's memory counters: items, their bytes, the resident and evicted (compressed) bytes of its
/// blocks, hits and misses on its blocks, evictions and quota rejections.</summary>
public sealed record AgentMemoryStatistics(
    string Agent,
    long Items,
    long LiveBytes,
    long QuotaBytes,
    long ResidentBytes,
    long EvictedBytes,
    long Hits,
    long Misses,
    long Evictions,
    long QuotaRejections);
