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
                id = Interlocked.Increment(ref _nextId) - 1;
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
            id = _nextId++;
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
