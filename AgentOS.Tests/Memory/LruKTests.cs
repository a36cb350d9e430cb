using AgentOS.Memory;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Memory;

/// <summary>LRU-K's victim against a reference written straight from the definition, on traces where it differs from
/// plain LRU.</summary>
public sealed class LruKTests
{
    // The definition, naively: keep every access time; the victim has the oldest K-th most recent access, with keys
    // accessed fewer than K times first (oldest last access first among them).
    private static long Reference(IReadOnlyList<long> trace, int k, HashSet<long> eligible)
    {
        var times = new Dictionary<long, List<int>>();
        for (int t = 0; t < trace.Count; t++)
        {
            if (!times.TryGetValue(trace[t], out var list))
            {
                times[trace[t]] = list = [];
            }
            list.Add(t);
        }
        return times.Where(p => eligible.Contains(p.Key))
            .OrderBy(p => p.Value.Count >= k ? 1 : 0)
            .ThenBy(p => p.Value.Count >= k ? p.Value[^k] : p.Value[^1])
            .ThenBy(p => p.Value[^1])
            .Select(p => p.Key)
            .DefaultIfEmpty(-1)
            .First();
    }

    private static long PlainLru(IReadOnlyList<long> trace) =>
        trace.Distinct().OrderBy(key => trace.ToList().LastIndexOf(key)).First();

    private static long Run(IReadOnlyList<long> trace, int k, Func<long, bool>? eligible = null)
    {
        var lru = new LruK(k);
        foreach (long key in trace)
        {
            lru.Touch(key);
        }
        return lru.Victim(eligible ?? (_ => true));
    }

    [Test]
    public void AKeyScannedOnceGoesBeforeAHotKeyThatLruWouldEvict()
    {
        // 1 is hot (used twice), then a scan touches 2 and 3 once each, then 1 is... not touched again: LRU evicts 1
        // (its last access is oldest), LRU-2 evicts 2 (seen once, so infinitely distant).
        long[] trace = [1, 1, 2, 3];
        Assert.Equal(1L, PlainLru(trace));
        Assert.Equal(2L, Run(trace, 2));
        Assert.Equal(Reference(trace, 2, new HashSet<long> { 1, 2, 3 }), Run(trace, 2));
        Assert.Equal(1L, Run(trace, 1), "LRU-1 is LRU");
    }

    [Test]
    public void TheOldestKthAccessLosesEvenWhenItsLastAccessIsRecent()
    {
        // 5: accesses at 0 and 6; 6: at 1 and 2. Last access: 5 is newer, so LRU evicts 6. Second-last: 5's (0) is
        // older than 6's (1), so LRU-2 evicts 5.
        long[] trace = [5, 6, 6, 7, 7, 7, 5];
        Assert.Equal(6L, PlainLru(trace));
        Assert.Equal(5L, Run(trace, 2));
    }

    [Test]
    public void RandomTracesMatchTheReferenceForEveryKAndEligibleSet()
    {
        var random = new Random(42);
        int differsFromLru = 0;
        for (int round = 0; round < 2_000; round++)
        {
            int k = 1 + random.Next(4);
            var trace = Enumerable.Range(0, 1 + random.Next(40)).Select(_ => (long)random.Next(8)).ToList();
            var eligible = trace.Distinct().Where(_ => random.Next(4) != 0).ToHashSet();
            long expected = Reference(trace, k, eligible);
            Assert.Equal(expected, Run(trace, k, eligible.Contains), $"K={k}, trace {string.Join(",", trace)}, eligible {string.Join(",", eligible)}");
            if (eligible.Count == trace.Distinct().Count() && expected != PlainLru(trace))
            {
                differsFromLru++;
            }
        }
        Assert.True(differsFromLru > 20, $"only {differsFromLru} traces where LRU-K and LRU disagree");
    }
}
