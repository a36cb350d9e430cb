using AgentOS.Llm;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Kernel;

/// <summary>An LLM backend that answers at once with a cached response: the round trip measures the kernel alone.</summary>
internal sealed class NoopBackend : ILlmBackend
{
    private static readonly LlmResponse Answer = new() { Content = "ok", Backend = "noop" };

    public string Name => "noop";

    public int Slots => 1;

    public LlmCapabilities Capabilities => LlmCapabilities.None;

    public ValueTask<LlmResponse> GenerateAsync(LlmQuery query, CancellationToken cancellationToken = default) => ValueTask.FromResult(Answer);
}
