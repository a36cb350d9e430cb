using AgentOS.Syscalls.Queries;

namespace AgentOS.Memory;

/// <summary>A search's items, best first, their scores (BM25, cosine, or fused by reciprocal rank: see
/// <paramref name="Retrieval"/>), and how they were ranked.</summary>
public sealed record MemorySearchResult(IReadOnlyList<MemoryItem> Items, IReadOnlyList<double> Scores, string Retrieval);
