using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace AgentOS.Syscalls.Queries;

/// <summary>A memory operation (AIOS's MemoryQuery) on the caller's memory, or on another agent's that it was granted.</summary>
public sealed class MemoryQuery
{
    /// <summary>The most search results returned when <see cref="Limit"/> is not given.</summary>
    public const int DefaultLimit = 10;

    /// <summary>An empty query; set <see cref="Operation"/>.</summary>
    public MemoryQuery()
    {
    }

    // The JSON constructor: a missing `limit` keeps its default (see LlmQuery's JSON constructor for why it is needed).
    [JsonConstructor, SetsRequiredMembers]
    internal MemoryQuery(MemoryOperation operation, int limit = DefaultLimit)
    {
        Operation = operation;
        Limit = limit;
    }

    /// <summary>The operation.</summary>
    [JsonRequired] // the JSON constructor sets the required members, so say it again for the wire
    public required MemoryOperation Operation { get; init; }

    /// <summary>Whose memory: <see langword="null"/> for the caller's own.</summary>
    public string? Owner { get; init; }

    /// <summary>The item id (Get, Update, Remove).</summary>
    public string? Id { get; init; }

    /// <summary>The item's text (Add, Update).</summary>
    public string? Content { get; init; }

    /// <summary>The item's tags (Add, Update).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The text to search for (Search).</summary>
    public string? Text { get; init; }

    /// <summary>The most results to return (Search).</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>How important the item is (Add; Update keeps the old value when absent).</summary>
    public float? Importance { get; init; }

    /// <summary>Search several agents' memories at once, ranked together (Search). Owners the caller may not read
    /// are left out before ranking; <see cref="MemoryResponse.Excluded"/> names them.</summary>
    public IReadOnlyList<string>? Owners { get; init; }

    /// <summary>How to rank (Search): <c>auto</c> (default: hybrid with an embedder, lexical without), <c>lexical</c>,
    /// <c>vector</c> or <c>hybrid</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>When a change (Add, Update, Remove) is acknowledged: <c>durable</c> (default: once it survives a crash)
    /// or <c>relaxed</c> (sooner, without waiting for the sync; a crash right after may lose it). The response's
    /// <see cref="MemoryResponse.Durable"/> says which it got.</summary>
    public string? Durability { get; init; }
}
