namespace AgentOS.Memory;

/// <summary>How a search ranks.</summary>
public enum MemorySearchMode
{
    /// <summary>Hybrid when the store has an embedder, lexical otherwise.</summary>
    Auto,

    /// <summary>BM25 only.</summary>
    Lexical,

    /// <summary>Embedding similarity only (needs an embedder).</summary>
    Vector,

    /// <summary>BM25 and embeddings fused by reciprocal rank (needs an embedder).</summary>
    Hybrid,
}
