namespace AgentOS.Kernel;

/// <summary>
/// Where memory's vector retrieval gets its embeddings: an LLM backend that declares embeddings (the kernel config's
/// <c>"embeddings": {"backend": "local", "model": "all-minilm", "dimensions": 384}</c>). Without it, retrieval is
/// lexical only and says so.
/// </summary>
public sealed class EmbeddingsConfig
{
    /// <summary>The backend or model name to route to; unset: the first up backend that declares embeddings.</summary>
    public string? Backend { get; set; }

    /// <summary>The embedding model to ask for; unset: the backend's own default.</summary>
    public string? Model { get; set; }

    /// <summary>The length of the model's vectors (required: the store lays vectors out before the first call).</summary>
    public int Dimensions { get; set; }
}
