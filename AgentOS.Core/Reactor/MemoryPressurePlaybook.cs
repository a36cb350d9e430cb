using AgentOS.Access;
using AgentOS.Memory;

namespace AgentOS.Reactor;

/// <summary>
/// Memory pressure (<c>memory_pressure</c>). Trigger: an agent's add would take the bytes of items it holds to
/// <see cref="MemoryPressurePlaybookOptions.HighWater"/> of its quota or past it. Action, before the add runs: evict
/// its items in the store's quota eviction order (least important first, then oldest; items at or above
/// <see cref="MemoryPressurePlaybookOptions.ProtectedImportance"/> are never evicted) until the add fits under
/// <see cref="MemoryPressurePlaybookOptions.LowWater"/>, and compact (each removal frees or compacts the block it
/// leaves sparse, as the store does). Verification: the agent's usage with the add is back at or under the low mark;
/// otherwise (too little it may evict) the case is unverified and escalated, and the add meets the quota as it would
/// have. An evicted item cannot be put back: there is nothing to undo, so the event names every item evicted.
/// </summary>
public sealed class MemoryPressurePlaybook : Playbook, IMemoryPressure
{
    private readonly MemoryPressurePlaybookOptions _options;
    // One case at a time: two adds of one agent over the mark must not both evict for the same shortfall.
    private readonly SemaphoreSlim _acting = new(1, 1);
    private ReactorEngine? _engine;
    private BlockMemoryStore? _store;
    private long _evicted;

    internal MemoryPressurePlaybook(MemoryPressurePlaybookOptions options) : base("memory_pressure", options.Enabled)
    {
        _options = options;
    }

    /// <summary>Items evicted so far.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    internal override void Start(ReactorEngine engine) => _engine = engine;

    /// <summary>The store whose quotas it watches (the kernel's, when it is a <see cref="BlockMemoryStore"/>).</summary>
    internal void Attach(BlockMemoryStore store) => _store = store;

    /// <inheritdoc />
    public async ValueTask BeforeAddAsync(string owner, string content, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (_engine is not { } engine || _store is not { } store)
        {
            return;
        }
        try
        {
            long quota = store.Options.AgentQuotaBytes;
            if (store.Options.OverQuota != MemoryOverQuota.Reject || !Over(store, owner, store.SizeOf(owner, content, tags), _options.HighWater, out _))
            {
                return; // the common case: one dictionary read and a comparison
            }
            await _acting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int size = store.SizeOf(owner, content, tags);
                if (Over(store, owner, size, _options.HighWater, out long used))
                {
                    await RelieveAsync(engine, store, owner, size, used, quota, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _acting.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An add it cannot size (an invalid owner or tags) fails on its own, typed; any other fault is reported and
            // the add runs as it would have without the Reactor.
            engine.Record(Name, ReactorStage.Unverified, 0, ResourceKind.Memory, owner, owner, 0, $"the Reactor failed before an add ({ex.GetType().Name}: {ex.Message}); the add runs as it is");
        }
    }

    private async ValueTask RelieveAsync(ReactorEngine engine, BlockMemoryStore store, string owner, int size, long used, long quota, CancellationToken cancellationToken)
    {
        long number = engine.NewCase();
        long low = (long)(_options.LowWater * quota);
        engine.Record(Name, ReactorStage.Triggered, number, ResourceKind.Memory, owner, owner, 0,
            $"'{owner}' holds {used} bytes of its {quota}-byte quota; an add of {size} takes it to {used + size}, at or past the high mark ({_options.HighWater:0.##} of the quota)");
        if (!engine.TryAct(Name, number, ResourceKind.Memory, owner, owner))
        {
            return;
        }
        Interlocked.Increment(ref OpenCases);
        try
        {
            var victims = await store.EvictionOrderAsync(owner, used + size - low, _options.ProtectedImportance, cancellationToken).ConfigureAwait(false);
            var evicted = new List<string>(victims.Count);
            long freed = 0;
            foreach (var (id, bytes) in victims)
            {
                string key = MemoryIds.Format(id);
                if (await store.RemoveAsync(owner, key, MemoryDurability.Durable, cancellationToken).ConfigureAwait(false))
                {
                    evicted.Add(key);
                    freed += bytes;
                }
            }
            Interlocked.Add(ref _evicted, evicted.Count);
            engine.Record(Name, ReactorStage.Acted, number, ResourceKind.Memory, owner, owner, 0,
                $"evicted {evicted.Count} items ({freed} bytes; least important, then oldest, first) and compacted: {(evicted.Count == 0 ? "none" : string.Join(", ", evicted))}");
            long now = store.LiveBytesOf(owner);
            if (now + size <= low)
            {
                engine.Record(Name, ReactorStage.Verified, number, ResourceKind.Memory, owner, owner, 0, $"'{owner}' holds {now} bytes; with the add, {now + size}, at or under the low mark ({low})");
                return;
            }
            engine.Record(Name, ReactorStage.Unverified, number, ResourceKind.Memory, owner, owner, 0,
                $"'{owner}' still holds {now} bytes; with the add, {now + size}, above the low mark ({low}): too few items below importance {_options.ProtectedImportance} to evict");
            engine.Escalate(Name, number, ResourceKind.Memory, owner, owner,
                $"agent '{owner}' is at {now} of its {quota}-byte memory quota and the Reactor may evict nothing more; remove its items or raise agent_quota_bytes.");
        }
        finally
        {
            Interlocked.Decrement(ref OpenCases);
        }
    }

    // Whether the owner's usage with an add of size reaches the fraction of its quota.
    private static bool Over(BlockMemoryStore store, string owner, int size, double fraction, out long used)
    {
        used = store.LiveBytesOf(owner);
        return used + size >= fraction * store.Options.AgentQuotaBytes;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _acting.Dispose();
        base.Dispose();
    }
}
