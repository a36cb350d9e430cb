namespace AgentOS.Memory;

/// <summary>
/// Turns texts into embedding vectors for vector retrieval. The memory store embeds items in batches when a search
/// needs them (never on the add path), so a remote embedder (an OpenAI-compatible <c>/v1/embeddings</c>) sees few,
/// large requests. Implementations must be thread-safe and return <see cref="Dimensions"/> floats per text.
/// </summary>
public interface IEmbedder
{
    /// <summary>A name for status output (for example the model).</summary>
    string Name { get; }

    /// <summary>The length of every vector.</summary>
    int Dimensions { get; }

    /// <summary>One vector per text, in order.</summary>
    ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
