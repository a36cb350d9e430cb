namespace AgentOS.Reactor;

/// <summary>Counts events per key within a sliding window on a clock: a trigger's "N within T", the fuse's "N a
/// minute", the retry budget. Thread-safe.</summary>
internal sealed class SlidingCounter(TimeSpan window, TimeProvider time)
{
    private readonly Dictionary<string, Queue<long>> _byKey = new(StringComparer.Ordinal);
    private readonly long _origin = time.GetTimestamp();

    private long Now => time.GetElapsedTime(_origin).Ticks;

    /// <summary>Counts one event for <paramref name="key"/> now and answers how many the window holds.</summary>
    public int Add(string key)
    {
        long now = Now;
        lock (_byKey)
        {
            var times = Expire(key, now);
            times.Enqueue(now);
            return times.Count;
        }
    }

    /// <summary>Counts one event for <paramref name="key"/> if the window holds fewer than <paramref name="limit"/>.</summary>
    public bool TryAdd(string key, int limit)
    {
        long now = Now;
        lock (_byKey)
        {
            var times = Expire(key, now);
            if (times.Count >= limit)
            {
                return false;
            }
            times.Enqueue(now);
            return true;
        }
    }

    /// <summary>How many events the window holds for <paramref name="key"/>.</summary>
    public int Count(string key)
    {
        lock (_byKey)
        {
            return Expire(key, Now).Count;
        }
    }

    /// <summary>Forgets <paramref name="key"/>'s events (a case opened on them).</summary>
    public void Clear(string key)
    {
        lock (_byKey)
        {
            _byKey.Remove(key);
        }
    }

    private Queue<long> Expire(string key, long now)
    {
        if (!_byKey.TryGetValue(key, out var times))
        {
            _byKey[key] = times = new Queue<long>();
        }
        while (times.Count > 0 && times.Peek() + window.Ticks <= now)
        {
            times.Dequeue();
        }
        return times;
    }
}
