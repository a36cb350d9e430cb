namespace AgentOS.Memory;

/// <content>What a memory pressure playbook reads and picks: an agent's usage against its quota, an add's size, and
/// which of its items to evict first.</content>
public sealed partial class BlockMemoryStore
{
    /// <summary>The bytes of items <paramref name="owner"/> holds (what its quota counts).</summary>
    internal long LiveBytesOf(string owner) => _agents.TryGetValue(owner, out var agent) ? Volatile.Read(ref agent.LiveBytes) : 0;

    /// <summary>The bytes an add of this content and these tags counts against the quota.</summary>
    internal int SizeOf(string owner, string content, IReadOnlyList<string> tags) => CheckedSize(owner, content, tags);

    /// <summary>
    /// The eviction order for a quota: <paramref name="owner"/>'s items below <paramref name="protectedImportance"/>,
    /// least important first, then oldest first (lowest id), as many as it takes to free <paramref name="bytes"/> (all
    /// of them when that is not enough). The block LRU-K order does not apply: swapping a block out frees resident
    /// bytes, not quota, which counts the items an agent holds wherever they live.
    /// </summary>
    internal async ValueTask<IReadOnlyList<(long Id, int Bytes)>> EvictionOrderAsync(string owner, long bytes, float protectedImportance, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(owner, out var agent))
        {
            return [];
        }
        var candidates = new List<(float Importance, long Id, int Bytes)>();
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (id, at) in agent.Items.ToArray())
            {
                await EnsureResidentAsync(at.Block, cancellationToken).ConfigureAwait(false);
                var record = Record(agent.Items[id]);
                float importance = MemoryRecord.Importance(record);
                if (importance < protectedImportance)
                {
                    candidates.Add((importance, id, record.Length));
                }
            }
        }
        finally
        {
            _gate.Exit();
        }
        candidates.Sort(static (x, y) => x.Importance != y.Importance ? x.Importance.CompareTo(y.Importance) : x.Id.CompareTo(y.Id));
        var chosen = new List<(long Id, int Bytes)>();
        long freed = 0;
        foreach (var (_, id, size) in candidates)
        {
            if (freed >= bytes)
            {
                break;
            }
            chosen.Add((id, size));
            freed += size;
        }
        return chosen;
    }
}
