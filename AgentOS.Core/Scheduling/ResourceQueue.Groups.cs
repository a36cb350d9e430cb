namespace AgentOS.Scheduling;

// Concurrency groups (ResourceQueueOptions.ConcurrencyKey): items over their group's limit wait, in order, outside the
// policy, so a slow tool holds back only its own calls. Dispatcher-role only.
public sealed partial class ResourceQueue<T>
{
    private readonly Dictionary<string, ConcurrencyGroup> _groups = [];

    private ConcurrencyGroup Group(string key)
    {
        if (!_groups.TryGetValue(key, out var group))
        {
            int limit = _options.ConcurrencyLimit?.Invoke(key) ?? 1;
            group = new ConcurrencyGroup(Math.Max(1, limit));
            _groups.Add(key, group);
        }
        return group;
    }

    // A new limit for the group; its parked items go back to the policy with their original sequence (those still over
    // the limit are parked again, in order), so a raised limit takes effect at once.
    private void SetGroupLimit(string key, int limit, long now)
    {
        var group = Group(key);
        group.Limit = limit;
        while (group.Deferred.TryDequeue(out var released))
        {
            _policy.Enqueue(released, now);
        }
    }

    private void ReleaseGroup(T item, long now)
    {
        if (_options.ConcurrencyKey?.Invoke(item) is not { } key || !_groups.TryGetValue(key, out var group))
        {
            return;
        }
        group.Running--;
        // The longest-deferred item of the group goes back to the policy with its original sequence, so it keeps
        // its place relative to everything else waiting.
        if (group.Deferred.TryDequeue(out var released))
        {
            _policy.Enqueue(released, now);
        }
    }

    // Finds the item by identity alone. A cancel may name an item that already finished, and a finished item belongs
    // to its submitter, who may be recycling it (clearing what ConcurrencyKey reads) while this runs, so the queue must
    // not ask the item for its key here. Cancels are rare and deferred items few: scanning the groups is cheap.
    private bool RemoveDeferred(T item)
    {
        foreach (var group in _groups.Values)
        {
            if (group.Deferred.Count == 0 || !group.Deferred.Contains(item))
            {
                continue;
            }
            int n = group.Deferred.Count;
            for (int i = 0; i < n; i++)
            {
                var queued = group.Deferred.Dequeue();
                if (!ReferenceEquals(queued, item))
                {
                    group.Deferred.Enqueue(queued);
                }
            }
            return true;
        }
        return false;
    }

    private int DeferredCount()
    {
        if (_groups.Count == 0)
        {
            return 0;
        }
        int count = 0;
        foreach (var group in _groups.Values)
        {
            count += group.Deferred.Count;
        }
        return count;
    }

    private sealed class ConcurrencyGroup(int limit)
    {
        public int Limit { get; set; } = limit;
        public int Running { get; set; }
        // Queue ticks until which the group's items wait whatever its free capacity (StartGate); 0 when not held.
        public long HeldUntil { get; set; }
        public Queue<T> Deferred { get; } = new();
    }
}
