using System.Diagnostics.Metrics;

namespace AgentOS.Memory;

/// <summary>
/// Memory's instruments on the kernel's meter (<c>AgentOS.Kernel</c>): resident and evicted bytes per agent and in
/// total, hits and misses on blocks (a miss reloads an evicted block), evictions and quota rejections. Observed when
/// a collector asks: nothing is recorded on the memory hot path.
/// </summary>
internal sealed class MemoryTelemetry : IDisposable
{
    private readonly Meter _meter = new("AgentOS.Kernel", AgentOSInfo.Version);

    public MemoryTelemetry(IMemoryStore store)
    {
        _meter.CreateObservableGauge("agentos.memory.resident_bytes", () => PerAgent(store, a => a.ResidentBytes, s => s.ResidentBytes), "By", "Bytes of memory blocks held in RAM, per agent (agent tag) and in total (no tag).");
        _meter.CreateObservableGauge("agentos.memory.evicted_bytes", () => PerAgent(store, a => a.EvictedBytes, s => s.EvictedBytes), "By", "Compressed bytes of memory blocks evicted to storage.");
        _meter.CreateObservableCounter("agentos.memory.block_hits", () => PerAgent(store, a => a.Hits, s => s.Hits), "{access}", "Accesses to resident memory blocks.");
        _meter.CreateObservableCounter("agentos.memory.block_misses", () => PerAgent(store, a => a.Misses, s => s.Misses), "{access}", "Accesses to evicted memory blocks (each reloads the block).");
        _meter.CreateObservableCounter("agentos.memory.evictions", () => PerAgent(store, a => a.Evictions, s => s.Evictions), "{block}", "Memory blocks evicted to storage.");
        _meter.CreateObservableCounter("agentos.memory.quota_rejections", () => PerAgent(store, a => a.QuotaRejections, s => s.QuotaRejections), "{allocation}", "Allocations refused by an agent quota or the global limit.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> PerAgent(IMemoryStore store, Func<AgentMemoryStatistics, long> agent, Func<MemoryStatistics, long> total)
    {
        var statistics = store.Statistics;
        yield return new Measurement<long>(total(statistics));
        foreach (var a in statistics.Agents)
        {
            yield return new Measurement<long>(agent(a), new KeyValuePair<string, object?>("agent", a.Agent));
        }
    }
}
