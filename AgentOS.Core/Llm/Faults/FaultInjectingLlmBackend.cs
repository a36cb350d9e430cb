using System.Runtime.CompilerServices;
using AgentOS.Syscalls.Faults;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm.Faults;

/// <summary>
/// Wraps any LLM backend for a fault drill: each call draws a fault from <see cref="FaultInjector"/> — a 429 with
/// Retry-After, a 500, a timeout, a stream cut after its first piece, a slow first token — or goes through untouched.
/// Same name, slots, capabilities and models as the backend it wraps. In the kernel config: an LLM backend's
/// <c>faults</c> object.
/// </summary>
public sealed class FaultInjectingLlmBackend : ILlmBackend
{
    private readonly ILlmBackend _inner;

    /// <summary>Wraps <paramref name="inner"/> with the drill <paramref name="faults"/>.</summary>
    public FaultInjectingLlmBackend(ILlmBackend inner, FaultInjector faults)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(faults);
        _inner = inner;
        Faults = faults;
    }

    /// <summary>The drill and its counters.</summary>
    public FaultInjector Faults { get; }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public int Slots => _inner.Slots;

    /// <inheritdoc />
    public LlmCapabilities Capabilities => _inner.Capabilities;

    /// <inheritdoc />
    public IReadOnlyList<string> Models => _inner.Models;

    private string What => $"LLM backend '{Name}'";

    /// <inheritdoc />
    public async ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default)
    {
        var kind = Faults.Next();
        await Faults.BeforeAnswerAsync(kind, What, cancellationToken).ConfigureAwait(false);
        var response = await _inner.GenerateAsync(query, cancellationToken).ConfigureAwait(false);
        // A cut stream on a whole-answer call: the work was done, the answer never arrived.
        return kind == FaultKind.CutStream ? throw FaultInjector.StreamCut(What) : response;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LlmStreamItem> StreamAsync(LlmQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var kind = Faults.Next();
        await Faults.BeforeAnswerAsync(kind, What, cancellationToken).ConfigureAwait(false);
        bool first = true;
        await foreach (var item in _inner.StreamAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (kind == FaultKind.CutStream && !first)
            {
                throw FaultInjector.StreamCut(What);
            }
            first = false;
            yield return item;
        }
    }

    /// <inheritdoc />
    public Task<LlmEmbeddings> EmbedAsync(IReadOnlyList<string> inputs, string? model = null, CancellationToken cancellationToken = default) =>
        _inner.EmbedAsync(inputs, model, cancellationToken);
}
