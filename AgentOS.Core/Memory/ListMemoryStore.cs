using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// The simple memory store: a list per agent, searched by case-insensitive substring (newest first). No limits or
/// eviction: the memory manager issue brings those.
/// </summary>
public sealed class ListMemoryStore(TimeProvider? time = null) : IMemoryStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, List<MemoryItem>> _byOwner = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextId;

    /// <inheritdoc />
    public MemoryItem Add(string owner, string content, IReadOnlyList<string> tags)
    {
        var item = new MemoryItem($"m{Interlocked.Increment(ref _nextId)}", content, [.. tags], _time.GetUtcNow());
        lock (_gate)
        {
            if (!_byOwner.TryGetValue(owner, out var items))
            {
                _byOwner[owner] = items = [];
            }
            items.Add(item);
        }
        return item;
    }

    /// <inheritdoc />
    public MemoryItem? Find(string owner, string id)
    {
        lock (_gate)
        {
            return _byOwner.TryGetValue(owner, out var items) ? items.Find(i => i.Id == id) : null;
        }
    }

    /// <inheritdoc />
    public MemoryItem? Update(string owner, string id, string content, IReadOnlyList<string> tags)
    {
        lock (_gate)
        {
            if (!_byOwner.TryGetValue(owner, out var items) || items.FindIndex(i => i.Id == id) is var index && index < 0)
            {
                return null;
            }
            return items[index] = items[index] with { Content = content, Tags = [.. tags], Written = _time.GetUtcNow() };
        }
    }

    /// <inheritdoc />
    public bool Remove(string owner, string id)
    {
        lock (_gate)
        {
            return _byOwner.TryGetValue(owner, out var items) && items.RemoveAll(i => i.Id == id) > 0;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<MemoryItem> Search(string owner, string text, int limit)
    {
        lock (_gate)
        {
            if (!_byOwner.TryGetValue(owner, out var items))
            {
                return [];
            }
            var found = new List<MemoryItem>();
            for (int i = items.Count - 1; i >= 0 && found.Count < limit; i--)
            {
                var item = items[i];
                if (item.Content.Contains(text, StringComparison.OrdinalIgnoreCase) || item.Tags.Any(t => t.Equals(text, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(item);
                }
            }
            return found;
        }
    }
}
