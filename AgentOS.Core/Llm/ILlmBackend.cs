using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// An LLM backend the kernel routes LLM syscalls to. Thread-safe: the kernel calls it from as many execution slots
/// as it declares.
/// </summary>
public interface ILlmBackend
{
    /// <summary>The name agents and queries use to pick it.</summary>
    string Name { get; }

    /// <summary>How many generations it runs at once (the LLM queue's slots).</summary>
    int Slots { get; }

    /// <summary>What it can do; fixed for the backend's lifetime.</summary>
    LlmCapabilities Capabilities { get; }

    /// <summary>The model names it serves, so a query naming a model (rather than a backend) finds it; the first is
    /// the one it uses when a query names none. Empty when the backend is addressed by its name only.</summary>
    IReadOnlyList<string> Models => [];

    /// <summary>Generates an answer. Failures are typed syscall errors (rate limited, backend failed).</summary>
    ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates an answer piece by piece: text deltas as they come, then the whole response. Backends that cannot
    /// stream keep this default, which yields the whole answer as one delta.
    /// </summary>
    async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GenerateAsync(query, cancellationToken).ConfigureAwait(false);
        yield return new LlmStreamItem(response.Content);
        yield return new LlmStreamItem(null, response);
    }

    /// <summary>
    /// Embeds texts as vectors (one per input, in order). Backends without <see cref="LlmCapabilities.Embeddings"/>
    /// keep this default, which fails with <see cref="CapabilityNotSupportedException"/> and sends nothing.
    /// </summary>
    /// <param name="inputs">The texts.</param>
    /// <param name="model">The embedding model, or <see langword="null"/> for the backend's default.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<LlmEmbeddings> EmbedAsync(IReadOnlyList<string> inputs, string? model = null, CancellationToken cancellationToken = default) =>
        Task.FromException<LlmEmbeddings>(new CapabilityNotSupportedException(
            $"The LLM backend '{Name}' cannot embed text (it declares: {Capabilities}). Use a backend that declares embeddings, such as an OpenAI-compatible server with an embedding model."));
}
