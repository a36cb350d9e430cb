using System.Collections.Concurrent;
using AgentOS.Memory;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Tests.Memory;

/// <summary>A real block store behind a gate: while <see cref="Hold"/> is set, operations wait for
/// <see cref="Release"/>, so syscalls pile up in the memory queue and its policy decides their order, which
/// <see cref="Order"/> records (the content added, or "search:" + text).</summary>
internal sealed class GatedMemoryStore(IMemoryStore inner) : IMemoryStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Hold { get; set; }

    public ConcurrentQueue<string> Order { get; } = new();

    public void Release() => _gate.TrySetResult();

    private async ValueTask PassAsync(string what)
    {
        if (Hold)
        {
            await _gate.Task;
        }
        Order.Enqueue(what);
    }

    public async ValueTask<MemoryItem> AddAsync(string owner, string content, IReadOnlyList<string> tags, float importance = 0, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default)
    {
        await PassAsync(content);
        return await inner.AddAsync(owner, content, tags, importance, durability, cancellationToken);
    }

    public ValueTask<MemoryItem?> FindAsync(string owner, string id, CancellationToken cancellationToken = default) => inner.FindAsync(owner, id, cancellationToken);

    public ValueTask<MemoryItem?> UpdateAsync(string owner, string id, string content, IReadOnlyList<string> tags, float? importance = null, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default) =>
        inner.UpdateAsync(owner, id, content, tags, importance, durability, cancellationToken);

    public ValueTask<bool> RemoveAsync(string owner, string id, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default) => inner.RemoveAsync(owner, id, durability, cancellationToken);

    public bool Durable => inner.Durable;

    public async ValueTask<MemorySearchResult> SearchAsync(IReadOnlyList<string> owners, string text, int limit, MemorySearchMode mode = MemorySearchMode.Auto, CancellationToken cancellationToken = default)
    {
        await PassAsync("search:" + text);
        return await inner.SearchAsync(owners, text, limit, mode, cancellationToken);
    }

    public long CountItems(string owner) => inner.CountItems(owner);

    public MemoryStatistics Statistics => inner.Statistics;

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
