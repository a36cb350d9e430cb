using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>Agents' memory items, by owner. Thread-safe. The memory manager issue replaces the simple list store with
/// blocks, quotas, eviction and ranked retrieval behind this interface.</summary>
public interface IMemoryStore
{
    /// <summary>Adds an item to <paramref name="owner"/>'s memory and returns it.</summary>
    MemoryItem Add(string owner, string content, IReadOnlyList<string> tags);

    /// <summary>The item, or <see langword="null"/>.</summary>
    MemoryItem? Find(string owner, string id);

    /// <summary>Replaces an item's content and tags; <see langword="null"/> when there is no such item.</summary>
    MemoryItem? Update(string owner, string id, string content, IReadOnlyList<string> tags);

    /// <summary>Removes an item; <see langword="false"/> when there was none.</summary>
    bool Remove(string owner, string id);

    /// <summary>Items of <paramref name="owner"/> matching <paramref name="text"/>, best first.</summary>
    IReadOnlyList<MemoryItem> Search(string owner, string text, int limit);
}
