namespace AgentOS.Memory;

/// <summary>The memory store's counters: resident and evicted bytes, block reloads (misses) against accesses to
/// resident blocks (hits), evictions and quota rejections, overall and per agent.</summary>
public sealed record MemoryStatistics(
    long ResidentBytes,
    long EvictedBytes,
    long GlobalLimitBytes,
    long HighWaterBytes,
    long Items,
    long Evictions,
    long Hits,
    long Misses,
    long QuotaRejections,
    string Retrieval,
    IReadOnlyList<AgentMemoryStatistics> Agents);
