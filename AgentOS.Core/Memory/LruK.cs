namespace AgentOS.Memory;

/// <summary>
/// LRU-K (O'Neil, O'Neil and Weikum, 1993) over keys: each access is stamped with a logical clock and the last K
/// stamps are kept. The victim is the key whose K-th most recent access is oldest (the largest backward K-distance);
/// keys with fewer than K accesses have an infinite distance and go first, oldest last access first among them. Unlike
/// plain LRU, a key touched once by a scan cannot push out a key that is used again and again. Not thread-safe.
/// </summary>
internal sealed class LruK
{
    private readonly Dictionary<long, long[]> _history = [];
    private long _clock;

    public LruK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    public int K { get; }

    /// <summary>Records an access (allocates only on a key's first access).</summary>
    public void Touch(long key)
    {
        if (!_history.TryGetValue(key, out var stamps))
        {
            // Slot 0 holds how many accesses are recorded (capped at K), slots 1..K the stamps, newest first.
            _history[key] = stamps = new long[K + 1];
        }
        Array.Copy(stamps, 1, stamps, 2, K - 1);
        stamps[1] = ++_clock;
        stamps[0] = Math.Min(stamps[0] + 1, K);
    }

    public void Forget(long key) => _history.Remove(key);

    /// <summary>The key to evict among those <paramref name="eligible"/> allows, or -1 when none is.</summary>
    public long Victim(Func<long, bool> eligible)
    {
        long victim = -1;
        bool victimFull = true;
        long victimKth = long.MaxValue, victimLast = long.MaxValue;
        foreach (var (key, stamps) in _history)
        {
            if (!eligible(key))
            {
                continue;
            }
            bool full = stamps[0] >= K;
            long kth = full ? stamps[K] : 0;
            long last = stamps[1];
            bool better = victim < 0
                || (!full && victimFull)
                || (full == victimFull && (full ? kth < victimKth || (kth == victimKth && last < victimLast) : last < victimLast));
            if (better)
            {
                (victim, victimFull, victimKth, victimLast) = (key, full, kth, last);
            }
        }
        return victim;
    }
}
