using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>
/// Agents' memory items, by owner. Thread-safe. Owners are not checked here: the kernel's access check settles whose
/// memory a syscall may touch, and filters a multi-owner search's owners before it reaches the store.
/// </summary>
public interface IMemoryStore : IAsyncDisposable
{
    /// <summary>Adds an item to <paramref name="owner"/>'s memory and returns it: by default once the add is durable
    /// (see <see cref="Durable"/>), or sooner when <paramref name="durability"/> is <see cref="MemoryDurability.Relaxed"/>.</summary>
    /// <exception cref="Syscalls.Errors.MemoryQuotaExceededException">The owner's quota or the global limit would be passed.</exception>
    /// <exception cref="Syscalls.Errors.InvalidRequestException">The item cannot fit in a block.</exception>
    ValueTask<MemoryItem> AddAsync(string owner, string content, IReadOnlyList<string> tags, float importance = 0, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default);

    /// <summary>The item, or <see langword="null"/>.</summary>
    ValueTask<MemoryItem?> FindAsync(string owner, string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces an item's content, tags and (when given) importance; <see langword="null"/> when there is no
    /// such item. Durable when acknowledged unless <paramref name="durability"/> says otherwise.</summary>
    ValueTask<MemoryItem?> UpdateAsync(string owner, string id, string content, IReadOnlyList<string> tags, float? importance = null, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default);

    /// <summary>Removes an item; <see langword="false"/> when there was none. Durable when acknowledged unless
    /// <paramref name="durability"/> says otherwise.</summary>
    ValueTask<bool> RemoveAsync(string owner, string id, MemoryDurability durability = MemoryDurability.Durable, CancellationToken cancellationToken = default);

    /// <summary>Items of <paramref name="owners"/> matching <paramref name="text"/>, best first, ranked together.</summary>
    ValueTask<MemorySearchResult> SearchAsync(IReadOnlyList<string> owners, string text, int limit, MemorySearchMode mode = MemorySearchMode.Auto, CancellationToken cancellationToken = default);

    /// <summary>How many items <paramref name="owner"/> holds (a search's cost estimate); lock-free.</summary>
    long CountItems(string owner);

    /// <summary>The store's counters.</summary>
    MemoryStatistics Statistics { get; }

    /// <summary>Whether changes acknowledged with <see cref="MemoryDurability.Durable"/> survive a crash (the store
    /// logs them to storage before acknowledging); <see langword="false"/> for a store that lives in memory only.</summary>
    bool Durable { get; }

    /// <summary>Stores everything in a form that reopens fastest (the kernel calls it when it stops).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
