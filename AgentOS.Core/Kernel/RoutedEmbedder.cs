using AgentOS.Llm;
using AgentOS.Memory;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Kernel;

/// <summary>
/// Memory's embedder over the kernel's LLM backends: each batch goes to the backend the router picks for
/// <see cref="EmbeddingsConfig.Backend"/> (a backend or model name; the first up backend that declares embeddings when
/// unset), so an OpenAI-compatible server's <c>/v1/embeddings</c> serves vector retrieval, with failover when one is
/// marked down. A vector of the wrong length is a backend failure, never silently used.
/// </summary>
internal sealed class RoutedEmbedder(LlmRouter router, EmbeddingsConfig config) : IEmbedder
{
    public string Name => config.Backend ?? "any embedding backend";

    public int Dimensions => config.Dimensions;

    public async ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var backend = router.RouteEmbeddings(config.Backend);
        var embeddings = await backend.EmbedAsync(texts, config.Model, cancellationToken).ConfigureAwait(false);
        if (embeddings.Vectors.Count != texts.Count)
        {
            throw new BackendFailedException($"The LLM backend '{backend.Name}' returned {embeddings.Vectors.Count} embeddings for {texts.Count} texts.");
        }
        foreach (var vector in embeddings.Vectors)
        {
            if (vector.Length != Dimensions)
            {
                throw new BackendFailedException($"The LLM backend '{backend.Name}' returned {vector.Length}-dimensional embeddings, but the kernel config says {Dimensions}: set embeddings.dimensions to the model's size.");
            }
        }
        return [.. embeddings.Vectors];
    }
}
