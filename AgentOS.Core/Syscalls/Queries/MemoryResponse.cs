namespace AgentOS.Syscalls.Queries;

/// <summary>A memory operation's result.</summary>
public sealed class MemoryResponse
{
    /// <summary>An empty result; set what it holds.</summary>
    public MemoryResponse()
    {
    }

    // The JSON constructor: a missing `items` reads as none (see LlmQuery's for why it is needed).
    [System.Text.Json.Serialization.JsonConstructor]
    internal MemoryResponse(IReadOnlyList<MemoryItem>? items = null) => Items = items ?? [];

    /// <summary>The id of the item added, updated or removed.</summary>
    public string? Id { get; init; }

    /// <summary>The items found (Get: one; Search: best first).</summary>
    public IReadOnlyList<MemoryItem> Items { get; init; } = [];

    /// <summary>Search: each item's score, in the same order (BM25, cosine, or fused; see <see cref="Retrieval"/>).</summary>
    public IReadOnlyList<double>? Scores { get; init; }

    /// <summary>Search: how the results were ranked, for example "lexical (BM25; no embedder configured)".</summary>
    public string? Retrieval { get; init; }

    /// <summary>Search: owners asked for that the caller may not read, left out before ranking.</summary>
    public IReadOnlyList<string>? Excluded { get; init; }

    /// <summary>Add, Update, Remove: whether the change was durable when acknowledged (it survives a crash).
    /// <see langword="false"/> when the query asked for <c>relaxed</c> durability or the memory store keeps no log.</summary>
    public bool? Durable { get; init; }
}
