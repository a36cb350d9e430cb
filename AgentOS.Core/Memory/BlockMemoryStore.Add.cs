using AgentOS.Storage;

namespace AgentOS.Memory;

/// <content>The two fast paths of an add: into the tail block of the agent's chain when it is resident and has room.
/// Everything else (a new block, eviction, reloading, reserving ids) takes the slow path under the exclusive gate.</content>
public sealed partial class BlockMemoryStore
{
    // Records up to this size are encoded on the stack ahead of the exclusive gate; larger ones in a pooled buffer.
    private const int StackEncodeLimit = 2048;

    // Without storage (no log, no eviction), an add changes only its own agent's memory plus the id counter and the
    // hit counter: it runs under the gate's shared side and the agent's lock, so adds by different agents run in
    // parallel. The LRU-K history is left alone: it only ever picks eviction victims, and a store without storage never
    // evicts. Hits are counted per agent (SharedHits) and summed into the store's count when read.
    private bool TryAppendShared(AgentMemory agent, int size, string content, IReadOnlyList<string> tags, float importance, long writtenTicks, out long id)
    {
        id = 0;
        if (!_gate.TryEnterShared(out int stripe))
        {
            return false;
        }
        try
        {
            lock (agent.Sync)
            {
                ThrowIfUnchangeable();
                var tail = agent.Tail;
                if (tail is not { Resident: true } || tail.Used + size > _options.BlockSize || !WithinQuota(agent, size))
                {
                    return false;
                }
                // Taken under the agent's lock, so each agent's ids rise in the order of its records.
                id = TakeId(agent);
                MemoryRecord.Write(_pool.Span(tail.PoolBlock).Slice(tail.Used, size), size, id, writtenTicks, importance, content, tags);
                Account(agent, tail, size, id);
                agent.Hits++;
                agent.SharedHits++;
                return true;
            }
        }
        finally
        {
            _gate.ExitShared(stripe);
        }
    }

    // Ids issued one by one from the store's counter in log order (with a log: ids are reserved durably in ranges and
    // replay expects them in the log's order), or from the agent's run (without one).
    private long IssueId(AgentMemory agent) => _log is null ? TakeId(agent) : _nextId++;

    // Without a log, ids need only be unique and rise per agent: each agent takes them from the store's counter in runs
    // of IdRun. One shared counter incremented by every add bounced its cache line between the cores of two agents
    // adding at once (issue 20: memory.add.2-agents did not scale). Under the agent's lock, or the exclusive gate.
    private const int IdRun = 256;

    private long TakeId(AgentMemory agent)
    {
        if (agent.NextId == agent.IdLimit)
        {
            agent.NextId = Interlocked.Add(ref _nextId, IdRun) - IdRun;
            agent.IdLimit = agent.NextId + IdRun;
        }
        return agent.NextId++;
    }

    // With storage: the record, already encoded with id 0, is copied under the exclusive gate (when no other exclusive
    // holder is in) and given its id there, in the log's order.
    private bool TryAppendEncoded(AgentMemory agent, ReadOnlySpan<byte> record, MemoryDurability durability, out long id, out ValueTask<StorageEntry> logged, CancellationToken cancellationToken)
    {
        id = 0;
        logged = default;
        if (!_gate.TryEnter(cancellationToken))
        {
            return false;
        }
        try
        {
            ThrowIfUnchangeable();
            var tail = agent.Tail;
            int size = record.Length;
            if (tail is not { Resident: true } || tail.Used + size > _options.BlockSize || !WithinQuota(agent, size) || !IdReserved)
            {
                return false;
            }
            id = IssueId(agent);
            var destination = _pool.Span(tail.PoolBlock).Slice(tail.Used, size);
            record.CopyTo(destination);
            MemoryRecord.SetId(destination, id);
            logged = LogPut(agent, Placed(agent, tail, size, id), durability);
            return true;
        }
        finally
        {
            _gate.Exit();
        }
    }
}
