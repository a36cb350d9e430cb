using AgentOS.Context;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

/// <summary>
/// A backend that owns its model and can stop a generation at any token boundary and continue it later, exactly, from
/// a snapshot of its state (the embedded engine: KV cache, tokens, sampler). The kernel context-switches such
/// generations when the scheduling policy preempts them.
/// </summary>
public interface IPreemptibleLlmBackend : ILlmBackend
{
    /// <summary>
    /// Runs <paramref name="query"/>, or continues it from <paramref name="snapshot"/> (a snapshot this backend made for
    /// the same query), until it finishes or, after at least one new token, <paramref name="control"/> asks it to
    /// suspend. A resumed run computes no prefill and produces exactly the tokens the uninterrupted run would.
    /// </summary>
    /// <exception cref="SnapshotFormatException"><paramref name="snapshot"/> is not a snapshot this backend can continue.</exception>
    ValueTask<LlmRunResult> RunAsync(LlmQuery query, GenerationSnapshot? snapshot, ILlmRunControl control, CancellationToken cancellationToken = default);
}
