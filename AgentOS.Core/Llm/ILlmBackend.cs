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
}
